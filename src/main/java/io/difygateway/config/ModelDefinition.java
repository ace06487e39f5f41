package io.difygateway.config;

import java.util.Map;

/**
 * A model the gateway serves, validated: which backend route serves it and the app behind it.
 * {@link #toString()} never shows the key.
 *
 * @param id          the OpenAI model id
 * @param backend     the backend name; requests go to route {@code direct:backend-<backend>}
 * @param baseUrl     the app's API base URL, without a trailing slash (Dify: ends in {@code /v1})
 * @param apiKey      the app's secret key
 * @param appType     the Dify app type ({@code chat}, {@code agent-chat}, {@code advanced-chat})
 * @param displayName the name shown to users
 * @param inputs      fixed values for the app's input variables
 * @param ownedBy     the {@code owned_by} of the model list
 */
public record ModelDefinition(String id, String backend, String baseUrl, String apiKey, String appType,
                              String displayName, Map<String, Object> inputs, String ownedBy) {

    @Override
    public String toString() {
        return "ModelDefinition[id=" + id + ", backend=" + backend + ", baseUrl=" + baseUrl + ", appType=" + appType + "]";
    }
}

package io.difygateway.identity;

import java.util.Set;

/**
 * Who called the gateway: the name of the client key used (null when the gateway has no keys), the models it may
 * use ({@code *}: all) and its own rate limits (null: none).
 */
public record Caller(String keyName, Set<String> models, Integer requestsPerMinute, Integer concurrentStreams) {

    /** The caller of a gateway without client keys: anyone, every model, no key limits. */
    public static final Caller ANONYMOUS = new Caller(null, Set.of("*"), null, null);

    public boolean mayUse(String model) {
        return models.contains("*") || models.contains(model);
    }

    /** The key name for logs and metrics: {@code anonymous} without keys. */
    public String label() {
        return keyName == null ? "anonymous" : keyName;
    }
}

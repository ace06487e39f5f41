package io.difygateway.config;

import java.util.Map;

import io.difygateway.completion.ReasoningMode;

/**
 * A model the gateway serves, validated: which backend route serves it, where and with which key, how its answers
 * are rendered and limited, and its backend's own part ({@link DifyApp} for Dify). {@link #toString()} never shows
 * the key.
 *
 * @param id            the OpenAI model id
 * @param backend       the backend name; requests go to route {@code direct:backend-<backend>}
 * @param baseUrl       the backend's API base URL, without a trailing slash (Dify: ends in {@code /v1})
 * @param apiKey        the backend's secret key (empty: none)
 * @param displayName   the configured display name, or null to use the app's own name
 * @param reasoning     how reasoning reaches the client
 * @param taskModel     the model that answers this model's background tasks, or null
 * @param timeouts      time limits of the backend call, defaults filled in
 * @param limits        rate limits of the model (nulls: none)
 * @param upstreamModel the model name the backend knows (OpenAI-compatible backends, Ollama), or null for the id
 * @param dify          the Dify app's settings ({@link DifyApp#NONE} for other backends)
 * @param options       the backend's own settings ({@code gateway.models.<id>.options.*}), which the front door gives the
 *                      backend route as the variables {@code option-<key>}
 * @param audio         whether the model serves /v1/audio (when its backend can: for Dify, when the app has the feature on)
 */
public record ModelDefinition(String id, String backend, String baseUrl, String apiKey, String displayName,
                              ReasoningMode reasoning, String taskModel, Timeouts timeouts, RateLimits limits,
                              String upstreamModel, DifyApp dify, Map<String, String> options, boolean audio) {

    public ModelDefinition {
        options = options == null ? Map.of() : Map.copyOf(options);
    }

    /** Requests per minute and concurrent streams allowed; null means no limit. */
    public record RateLimits(Integer requestsPerMinute, Integer concurrentStreams) {
        public static final RateLimits NONE = new RateLimits(null, null);
    }

    /** The model name the backend knows: {@code upstream-model}, else the id. */
    public String upstreamModelName() {
        return upstreamModel != null ? upstreamModel : id;
    }

    /** The connect timeout, for http endpoints. */
    public long connectMillis() {
        return timeouts.connect().toMillis();
    }

    /**
     * The socket timeout of http endpoints: a backstop as long as the longer of the first-event and idle timeouts,
     * which the stream watchdog enforces precisely.
     */
    public long socketMillis() {
        return Math.max(timeouts.firstEvent().toMillis(), timeouts.idle().toMillis());
    }

    @Override
    public String toString() {
        return "ModelDefinition[id=" + id + ", backend=" + backend + ", baseUrl=" + baseUrl + "]";
    }
}

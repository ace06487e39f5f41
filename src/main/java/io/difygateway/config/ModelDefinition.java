package io.difygateway.config;

import java.util.List;
import java.util.Map;

import io.difygateway.completion.ReasoningMode;

/**
 * A model the gateway serves, validated: which backend route serves it, the app behind it and how its
 * answers are rendered. {@link #toString()} never shows the key.
 *
 * @param id               the OpenAI model id
 * @param backend          the backend name; requests go to route {@code direct:backend-<backend>}
 * @param baseUrl          the app's API base URL, without a trailing slash (Dify: ends in {@code /v1})
 * @param apiKey           the app's secret key
 * @param appType          the Dify app type ({@code chat}, {@code agent-chat}, {@code advanced-chat},
 *                         {@code completion}, {@code workflow})
 * @param displayName      the configured display name, or null to use the app's own name
 * @param inputs           fixed values for the app's input variables
 * @param queryInput       the input variable that receives the user's message, or null to discover it
 * @param outputVariable   the workflow output shown when a run streamed no text, or null for all outputs
 * @param reasoning        how reasoning reaches the client
 * @param workflowProgress whether workflow node progress is shown as reasoning
 * @param citations        whether knowledge-base sources are appended as markdown
 * @param conversations    whether the backend's own conversations are reused across turns ({@code dify})
 * @param systemPrompt     where the system prompt goes: {@code query-prefix}, {@code drop} or {@code input:<variable>}
 * @param taskModel        the model that answers this model's background tasks, or null
 * @param fallbackBaseUrls other base URLs of the same app, tried in turn when the first cannot be reached
 * @param timeouts         time limits of the backend call, defaults filled in
 * @param limits           rate limits of the model (nulls: none)
 * @param upstreamModel    the model name the backend knows (OpenAI-compatible backends), or null for the id
 */
public record ModelDefinition(String id, String backend, String baseUrl, String apiKey, String appType,
                              String displayName, Map<String, Object> inputs, String queryInput,
                              String outputVariable, ReasoningMode reasoning, boolean workflowProgress,
                              boolean citations, boolean conversations, String systemPrompt, String taskModel,
                              List<String> fallbackBaseUrls, GatewayProperties.Timeouts timeouts, RateLimits limits,
                              String upstreamModel) {

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

    /** The input variable that receives the system prompt, or null. */
    public String systemPromptInput() {
        return systemPrompt.startsWith("input:") ? systemPrompt.substring("input:".length()) : null;
    }

    @Override
    public String toString() {
        return "ModelDefinition[id=" + id + ", backend=" + backend + ", baseUrl=" + baseUrl + ", appType=" + appType + "]";
    }
}

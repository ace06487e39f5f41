package io.difygateway.config;

import java.util.List;
import java.util.Map;

/**
 * The Dify part of a model ({@code backend: dify}): which app type, how the request fills the app's inputs, what the
 * answer shows, whether Dify's own conversations are reused, and the app's other base URLs. Models of other backends
 * carry {@link #NONE}.
 *
 * @param appType          the app type ({@code chat}, {@code agent-chat}, {@code advanced-chat}, {@code completion},
 *                         {@code workflow})
 * @param inputs           fixed values for the app's input variables
 * @param queryInput       the input variable that receives the user's message, or null to discover it
 * @param outputVariable   the workflow output shown when a run streamed no text, or null for all outputs
 * @param workflowProgress whether workflow node progress is shown as reasoning
 * @param citations        whether knowledge-base sources are appended as markdown
 * @param conversations    whether Dify's conversations are reused across turns
 * @param systemPrompt     where the system prompt goes: {@code query-prefix}, {@code drop} or {@code input:<variable>}
 * @param fallbackBaseUrls other base URLs of the same app, tried in turn when the first cannot be reached
 * @param rejectTools      whether a request with client {@code tools} is refused (400) instead of answered by the app
 *                         without them (Dify apps cannot call a client's tools)
 * @param difyTaskAnswers  whether Open WebUI's title and follow-up tasks for a chat with a Dify conversation are answered
 *                         by Dify's own conversation name and suggested questions ({@code task-answers: dify})
 */
public record DifyApp(String appType, Map<String, Object> inputs, String queryInput, String outputVariable,
                      boolean workflowProgress, boolean citations, boolean conversations, String systemPrompt,
                      List<String> fallbackBaseUrls, boolean rejectTools, boolean difyTaskAnswers) {

    /** The Dify part of a model of another backend: a chat app with nothing configured. */
    public static final DifyApp NONE = new DifyApp("chat", Map.of(), null, null, false, false, false, "query-prefix", List.of(), false, false);

    /** The input variable that receives the system prompt, or null. */
    public String systemPromptInput() {
        return systemPrompt.startsWith("input:") ? systemPrompt.substring("input:".length()) : null;
    }
}

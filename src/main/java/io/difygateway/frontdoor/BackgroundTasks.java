package io.difygateway.frontdoor;

import java.util.Map;

import io.difygateway.config.GatewayProperties;
import io.difygateway.config.TasksProperties;
import org.springframework.stereotype.Component;

/**
 * Recognises Open WebUI's background tasks (title, tags, follow-up and search-query generation, context compaction,
 * legacy function calling): a request with a non-empty task header ({@code {{TASK}}} in a custom connection header),
 * or, when shape detection is on, one that is not streamed and has a single user message holding a
 * {@code <chat_history>} block, a single user message that asks to summarize the conversation history (compaction), or
 * a first system message listing {@code Available Tools:} (the legacy function-calling prompt).
 */
@Component("backgroundTasks")
public class BackgroundTasks {

    /** How Open WebUI's context-compaction task begins its one user message. */
    private static final String COMPACTION = "### Task: Summarize the conversation history";
    /** How Open WebUI's legacy function-calling task begins its system message. */
    private static final String FUNCTION_CALLING = "Available Tools:";

    private final TasksProperties tasks;

    public BackgroundTasks(GatewayProperties properties) {
        this.tasks = properties.getTasks();
    }

    /** True for a background task. */
    public boolean detect(ChatCompletionRequest request, Map<String, Object> headers) {
        String task = RequestHeaders.first(headers, tasks.getHeader());
        if (task != null && !task.isBlank()) {
            return true;
        }
        if (!tasks.isDetectByShape() || request.stream()) {
            return false;
        }
        long userMessages = request.messages().stream().filter(ChatMessage::isUser).count();
        String lastUser = request.messages().get(request.lastUserIndex()).text();
        ChatMessage first = request.messages().get(0);
        return userMessages == 1 && (lastUser.contains("<chat_history>") || startsWith(lastUser, COMPACTION))
                || "system".equals(first.role()) && startsWith(first.text(), FUNCTION_CALLING);
    }

    /** Whether the text begins with the prefix, whatever white space either has (templates break lines after "Task:"). */
    private static boolean startsWith(String text, String prefix) {
        String head = text.strip();
        head = head.substring(0, Math.min(head.length(), prefix.length() * 2)).replaceAll("\\s+", " ");
        return head.startsWith(prefix);
    }
}

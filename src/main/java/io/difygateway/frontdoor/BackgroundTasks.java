package io.difygateway.frontdoor;

import java.util.Map;

import io.difygateway.config.GatewayProperties;
import io.difygateway.config.TasksProperties;
import org.springframework.stereotype.Component;

/**
 * Recognises Open WebUI's background tasks (title, tags, follow-up and search-query generation): a request with a
 * non-empty task header ({@code {{TASK}}} in a custom connection header), or, when shape detection is on, one that
 * is not streamed and has a single user message holding a {@code <chat_history>} block.
 */
@Component("backgroundTasks")
public class BackgroundTasks {

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
        return userMessages == 1 && request.messages().get(request.lastUserIndex()).text().contains("<chat_history>");
    }
}

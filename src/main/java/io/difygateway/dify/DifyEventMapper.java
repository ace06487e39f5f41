package io.difygateway.dify;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.difygateway.openai.CompletionEvent;
import io.difygateway.openai.OpenAiException;
import io.difygateway.sse.SseEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Translates one Dify stream event into backend-neutral {@link CompletionEvent}s: text from {@code message},
 * {@code agent_message} and text-carrying {@code message_file} frames, usage from {@code message_end},
 * in-stream {@code error} frames into failures, pings into keep-alives. Other events are not forwarded.
 */
@Component("difyEventMapper")
public class DifyEventMapper {

    private static final Logger LOG = LoggerFactory.getLogger(DifyEventMapper.class);

    private final ObjectMapper json;

    public DifyEventMapper(ObjectMapper json) {
        this.json = json;
    }

    /** The completion events for one Dify event; empty for events that mean nothing to the client. */
    public List<CompletionEvent> map(SseEvent event) {
        if (event == null) {
            return List.of();
        }
        if (!event.hasData()) {
            return List.of(CompletionEvent.KEEP_ALIVE); // "event: ping" has no data line
        }
        JsonNode frame;
        try {
            frame = json.readTree(event.data());
        } catch (JsonProcessingException e) {
            LOG.debug("Skipping a Dify event that is not JSON: {}", e.getOriginalMessage());
            return List.of();
        }
        if (frame == null || !frame.isObject()) {
            return List.of();
        }
        List<CompletionEvent> events = new ArrayList<>(2);
        JsonNode taskId = frame.get("task_id");
        if (taskId != null && taskId.isTextual()) {
            events.add(new CompletionEvent.UpstreamTask(taskId.asText()));
        }
        String type = frame.path("event").asText("");
        switch (type) {
            // newer Dify labels text chunks "message_file" once a message has a file: a string answer is text
            case "message", "agent_message", "message_file" -> {
                JsonNode answer = frame.get("answer");
                if (answer != null && answer.isTextual()) {
                    events.add(new CompletionEvent.Text(answer.asText()));
                }
            }
            case "message_end" -> {
                JsonNode usage = frame.path("metadata").path("usage");
                if (usage.isObject()) {
                    events.add(new CompletionEvent.Usage(usage.path("prompt_tokens").asLong(),
                            usage.path("completion_tokens").asLong()));
                }
            }
            case "error" -> events.add(new CompletionEvent.Failure(inStreamError(frame)));
            default -> { /* workflow progress, agent thoughts, tts...: not shown to OpenAI clients yet */ }
        }
        return events;
    }

    private static OpenAiException inStreamError(JsonNode frame) {
        String code = frame.path("code").asText("");
        String message = frame.path("message").asText("");
        return new OpenAiException(502, "server_error", code.isEmpty() ? "upstream_error" : code, null,
                "The Dify app failed: " + (message.isEmpty() ? "no reason given" : message)
                        + (code.isEmpty() ? "" : " (Dify code " + code + ")"));
    }
}

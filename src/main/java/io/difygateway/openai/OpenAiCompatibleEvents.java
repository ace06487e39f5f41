package io.difygateway.openai;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.difygateway.completion.CompletionEvent;
import io.difygateway.errors.OpenAiException;
import io.difygateway.sse.SseEvent;
import org.springframework.stereotype.Component;

/**
 * Translates the stream of an OpenAI-compatible server (vLLM, Ollama's /v1, LiteLLM, another gateway) into
 * completion events: {@code delta.content} as text, {@code delta.reasoning_content} (or {@code reasoning}) as
 * reasoning, {@code delta.tool_calls} as tool-call pieces (by their index; arguments given as an object, as some servers
 * do, become its JSON text), {@code usage}, a finish reason other than {@code stop}, and error chunks as failures.
 * {@code [DONE]} and anything that is not JSON are skipped.
 */
@Component("openAiCompatibleEvents")
public class OpenAiCompatibleEvents {

    private final ObjectMapper json;

    public OpenAiCompatibleEvents(ObjectMapper json) {
        this.json = json;
    }

    public List<CompletionEvent> map(SseEvent event) {
        if (event == null || !event.hasData() || "[DONE]".equals(event.data().trim())) {
            return List.of();
        }
        JsonNode chunk;
        try {
            chunk = json.readTree(event.data());
        } catch (JsonProcessingException notJson) {
            return List.of();
        }
        if (chunk == null || !chunk.isObject()) {
            return List.of();
        }
        List<CompletionEvent> events = new ArrayList<>(2);
        JsonNode error = chunk.get("error");
        if (error != null && !error.isNull()) {
            String message = error.isTextual() ? error.asText() : error.path("message").asText("no reason given");
            String code = error.path("code").asText("");
            events.add(new CompletionEvent.Failure(new OpenAiException(502, "server_error", code.isEmpty() ? "upstream_error" : code,
                    null, "The backend failed: " + message, OpenAiException.NO_RETRY)));
            return events;
        }
        JsonNode choice = chunk.path("choices").path(0);
        JsonNode delta = choice.path("delta");
        JsonNode reasoning = delta.has("reasoning_content") ? delta.get("reasoning_content") : delta.get("reasoning");
        if (reasoning != null && reasoning.isTextual() && !reasoning.asText().isEmpty()) {
            events.add(new CompletionEvent.Reasoning(reasoning.asText()));
        }
        if (delta.path("content").isTextual() && !delta.get("content").asText().isEmpty()) {
            events.add(new CompletionEvent.Text(delta.get("content").asText()));
        }
        JsonNode toolCalls = delta.get("tool_calls");
        if (toolCalls != null && toolCalls.isArray()) {
            for (int i = 0; i < toolCalls.size(); i++) {
                JsonNode call = toolCalls.get(i);
                JsonNode function = call.path("function");
                events.add(new CompletionEvent.ToolCall(call.path("index").asText(String.valueOf(i)), text(call.get("id")),
                        text(function.get("name")), function.path("arguments").isTextual() ? function.get("arguments").asText()
                        : function.has("arguments") && !function.get("arguments").isNull() ? function.get("arguments").toString() : ""));
            }
        }
        String finish = choice.path("finish_reason").asText("");
        if (!finish.isEmpty() && !"stop".equals(finish)) {
            events.add(new CompletionEvent.Finish(finish));
        }
        JsonNode usage = chunk.get("usage");
        if (usage != null && usage.isObject()) {
            events.add(new CompletionEvent.Usage(usage.path("prompt_tokens").asLong(), usage.path("completion_tokens").asLong()));
        }
        return events;
    }

    private static String text(JsonNode node) {
        return node == null || !node.isTextual() ? null : node.asText();
    }
}

package io.difygateway.completion;

import java.time.Clock;
import java.util.UUID;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.difygateway.config.ModelDefinition;
import io.difygateway.frontdoor.ChatCompletionRequest;
import io.difygateway.observability.GatewayMetrics;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.stereotype.Component;

/** Starts and finishes {@link ChatCompletion}s (the front door's openCompletion and finishCompletion steps). */
@Component("chatCompletions")
public class ChatCompletions {

    private final ObjectMapper json;
    private final GatewayMetrics metrics;
    private final Clock clock;

    public ChatCompletions(ObjectMapper json, GatewayMetrics metrics, Clock clock) {
        this.json = json;
        this.metrics = metrics;
        this.clock = clock;
    }

    /**
     * A new completion of a model for a request; a streaming one writes to the given servlet response. A background
     * task's answer carries no reasoning: Open WebUI parses it as plain JSON text.
     */
    public ChatCompletion open(ChatCompletionRequest request, ModelDefinition model, boolean backgroundTask,
                               HttpServletResponse response) {
        String id = "chatcmpl-" + UUID.randomUUID().toString().replace("-", "");
        SseOutput output = request.stream() ? new ServletSseOutput(response) : null;
        metrics.streamStarted(model.id());
        return new ChatCompletion(id, clock.instant().getEpochSecond(), request.model(), request.stream(),
                request.includeUsage(), backgroundTask ? ReasoningMode.OFF : model.reasoning(), output, json);
    }

    /**
     * A new response of the Responses API, run like a completion and written by the encoder (the request's shell of the
     * response object inside); a streaming one writes its events to the given servlet response. Reasoning is always a
     * reasoning item, unless the model turns it off.
     */
    public ChatCompletion openResponse(ChatCompletionRequest request, ModelDefinition model, ResponseEncoder encoder,
                                       HttpServletResponse response) {
        SseOutput output = request.stream() ? new ServletSseOutput(response) : null;
        metrics.streamStarted(model.id());
        ReasoningMode reasoning = model.reasoning() == ReasoningMode.OFF ? ReasoningMode.OFF : ReasoningMode.REASONING_CONTENT;
        return new ChatCompletion(encoder.response().path("id").asText(), request.model(), request.stream(), reasoning, output, encoder);
    }

    /** Ends the completion: the {@code chat.completion} JSON when not streaming, else null (already written). */
    public String finish(ChatCompletion completion) {
        return completion.finish();
    }
}

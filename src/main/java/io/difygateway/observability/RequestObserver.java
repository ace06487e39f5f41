package io.difygateway.observability;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.difygateway.completion.ChatCompletion;
import io.difygateway.completion.CompletionEvent;
import io.difygateway.config.AccessLogProperties;
import io.difygateway.config.GatewayProperties;
import io.difygateway.config.ModelDefinition;
import io.difygateway.config.ModelRegistry;
import io.difygateway.errors.OpenAiException;
import io.difygateway.frontdoor.ChatCompletionRequest;
import io.difygateway.identity.Caller;
import io.difygateway.web.RequestIdFilter;
import org.apache.camel.Exchange;
import org.apache.camel.support.SynchronizationAdapter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Watches each chat completion request from start to end and, when its exchange completes, records its metrics
 * and writes one access-log line (logger {@code io.difygateway.access}, text or JSON): request id, model, key
 * name, Dify user, status, outcome, time to first token, duration and tokens. Never prompts or keys.
 */
@Component("requestObserver")
public class RequestObserver {

    /** Exchange variable with the request's id (X-Request-Id), for log lines. */
    public static final String REQUEST_ID = "requestId";

    private static final Logger ACCESS = LoggerFactory.getLogger("io.difygateway.access");

    private final GatewayMetrics metrics;
    private final AccessLogProperties accessLog;
    private final ObjectMapper json;

    public RequestObserver(GatewayMetrics metrics, GatewayProperties properties, ObjectMapper json) {
        this.metrics = metrics;
        this.accessLog = properties.getAccessLog();
        this.json = json;
    }

    /** Starts watching the exchange. */
    public void start(Exchange exchange) {
        long start = System.nanoTime();
        String requestId = exchange.getMessage().getHeader(RequestIdFilter.HEADER, String.class);
        exchange.setVariable(REQUEST_ID, requestId);
        exchange.getExchangeExtension().addOnCompletion(new SynchronizationAdapter() {
            @Override
            public void onDone(Exchange done) {
                finish(done, requestId, Duration.ofNanos(System.nanoTime() - start));
            }
        });
    }

    private void finish(Exchange exchange, String requestId, Duration duration) {
        ChatCompletion completion = exchange.getVariable("completion", ChatCompletion.class);
        ModelDefinition model = exchange.getVariable("model", ModelDefinition.class);
        Caller caller = exchange.getVariable("caller", Caller.class);
        ChatCompletionRequest request = exchange.getVariable("chatRequest", ChatCompletionRequest.class);
        OpenAiException error = completion != null && completion.failure() != null ? completion.failure()
                : exchange.getVariable("openAiError", OpenAiException.class);
        boolean streamed = completion != null && completion.isCommitted();
        int status = error != null && !streamed ? error.status() : 200;
        String outcome = completion != null && completion.isClientGone() ? "client_disconnected"
                : error == null ? "success"
                : error.status() == 429 ? "rate_limited"
                : "upstream_timeout".equals(error.code()) ? "timeout"
                : error.status() >= 500 ? "upstream_error" : "client_error";
        String modelLabel = model == null ? "unknown" : model.id();
        CompletionEvent.Usage usage = completion == null ? null : completion.usage();
        Duration ttft = completion == null ? null : completion.timeToFirstToken();
        if (completion != null) {
            metrics.streamEnded(modelLabel);
        }
        metrics.request(new GatewayMetrics.RequestOutcome(modelLabel, caller == null ? "unknown" : caller.label(), outcome,
                duration, ttft, usage == null ? 0 : usage.promptTokens(), usage == null ? 0 : usage.completionTokens(),
                error != null && error.status() >= 500 ? (error.code() == null ? "internal" : error.code()) : null));
        if (accessLog.isEnabled() && ACCESS.isInfoEnabled() && !ModelRegistry.WARM_UP_MODEL_ID.equals(modelLabel)) {
            Map<String, Object> line = new LinkedHashMap<>();
            line.put("request_id", requestId);
            line.put("model", modelLabel);
            line.put("key", caller == null ? null : caller.label());
            line.put("user", exchange.getVariable("endUser", String.class));
            line.put("stream", request != null && request.stream());
            line.put("status", status);
            line.put("outcome", outcome);
            line.put("error_code", error == null ? null : error.code());
            line.put("ttft_ms", ttft == null ? null : ttft.toMillis());
            line.put("duration_ms", duration.toMillis());
            line.put("prompt_tokens", usage == null ? null : usage.promptTokens());
            line.put("completion_tokens", usage == null ? null : usage.completionTokens());
            ACCESS.info(format(line));
        }
    }

    private String format(Map<String, Object> line) {
        if ("json".equals(accessLog.getFormat())) {
            try {
                return json.writeValueAsString(line);
            } catch (JsonProcessingException e) {
                return line.toString();
            }
        }
        StringBuilder text = new StringBuilder();
        line.forEach((key, value) -> {
            if (value != null) {
                text.append(text.isEmpty() ? "" : " ").append(key).append('=').append(value);
            }
        });
        return text.toString();
    }
}

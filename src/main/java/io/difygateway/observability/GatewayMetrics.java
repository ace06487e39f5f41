package io.difygateway.observability;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import io.difygateway.config.ModelDefinition;
import io.difygateway.identity.Caller;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.springframework.stereotype.Component;

/**
 * The gateway's own metrics (on /actuator/prometheus beside Camel's route metrics). Labels are model ids and key
 * names from configuration, outcomes and backend error codes: never key values, prompts or user input.
 */
@Component
public class GatewayMetrics {

    private final MeterRegistry registry;
    private final Map<String, AtomicInteger> activeStreams = new ConcurrentHashMap<>();

    public GatewayMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    /** A chat completion started streaming from the backend. */
    public void streamStarted(String model) {
        active(model).incrementAndGet();
    }

    /** A chat completion ended, whatever the outcome. */
    public void streamEnded(String model) {
        active(model).decrementAndGet();
    }

    /** One finished request: counts, durations, time to first token, tokens and errors. */
    public void request(RequestOutcome outcome) {
        String model = outcome.model();
        Counter.builder("gateway.requests").description("Chat completion requests")
                .tags("model", model, "key", outcome.key(), "outcome", outcome.outcome()).register(registry).increment();
        Timer.builder("gateway.request.duration").description("Time from request to the end of the response")
                .tags("model", model, "outcome", outcome.outcome()).publishPercentileHistogram()
                .register(registry).record(outcome.duration());
        if (outcome.timeToFirstToken() != null) {
            Timer.builder("gateway.time.to.first.token").description("Time from request to the first answer or reasoning text")
                    .tags("model", model).publishPercentileHistogram().register(registry).record(outcome.timeToFirstToken());
        }
        if (outcome.promptTokens() > 0 || outcome.completionTokens() > 0) {
            Counter.builder("gateway.tokens").description("Tokens reported by the backend")
                    .tags("model", model, "type", "prompt").register(registry).increment(outcome.promptTokens());
            Counter.builder("gateway.tokens").description("Tokens reported by the backend")
                    .tags("model", model, "type", "completion").register(registry).increment(outcome.completionTokens());
        }
        if (outcome.upstreamErrorCode() != null) {
            Counter.builder("gateway.upstream.errors").description("Backend failures by error code")
                    .tags("model", model, "code", outcome.upstreamErrorCode()).register(registry).increment();
        }
        if ("client_disconnected".equals(outcome.outcome())) {
            Counter.builder("gateway.client.disconnects").description("Clients that left before the end of their answer")
                    .tags("model", model).register(registry).increment();
        }
    }

    /** A request whose client tools a backend that cannot call them left out (a Dify model with tools: ignore). */
    public void toolsIgnored(String model) {
        Counter.builder("gateway.tools.ignored").description("Requests whose tools the model's backend could not offer to the model")
                .tags("model", model).register(registry).increment();
    }

    /** An Open WebUI title or follow-up task put to the chat's Dify app (task-answers: dify): answered, or left to the task model. */
    public void taskAnsweredByDify(String model, String task, boolean answered) {
        Counter.builder("gateway.dify.task.answers").description("Background tasks put to the chat's Dify app, by whether Dify had an answer")
                .tags("model", model, "task", task, "outcome", answered ? "answered" : "none").register(registry).increment();
    }

    /** A backend stream that ended before its end was read again (Dify's run events). */
    public void streamResumed(String model) {
        Counter.builder("gateway.stream.resumes").description("Backend streams read again after they ended early")
                .tags("model", model).register(registry).increment();
    }

    /** A request refused by a rate limit. */
    public void rateLimited(Caller caller, ModelDefinition model, String limit) {
        Counter.builder("gateway.rate.limit.rejections").description("Requests refused by a rate limit")
                .tags("key", caller.label(), "model", model.id(), "limit", limit).register(registry).increment();
    }

    private AtomicInteger active(String model) {
        return activeStreams.computeIfAbsent(model, id -> {
            AtomicInteger gauge = new AtomicInteger();
            Gauge.builder("gateway.active.streams", gauge, AtomicInteger::get).description("Chat completions in progress")
                    .tag("model", id).register(registry);
            return gauge;
        });
    }

    /** What the metrics and the access log need to know about a finished request. */
    public record RequestOutcome(String model, String key, String outcome, Duration duration, Duration timeToFirstToken,
                                 long promptTokens, long completionTokens, String upstreamErrorCode) {
    }
}

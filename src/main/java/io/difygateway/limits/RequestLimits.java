package io.difygateway.limits;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.difygateway.config.ModelDefinition;
import io.difygateway.errors.OpenAiException;
import io.difygateway.identity.Caller;
import io.difygateway.observability.GatewayMetrics;
import org.apache.camel.Exchange;
import org.apache.camel.support.SynchronizationAdapter;
import org.springframework.stereotype.Component;

/**
 * Enforces the rate limits of the caller's key and of the model: requests per minute (fixed one-minute windows)
 * and concurrent streams (a slot held until the exchange completes). Over a limit: 429 with {@code Retry-After}.
 */
@Component("requestLimits")
public class RequestLimits {

    private final LimitCounters counters;
    private final GatewayMetrics metrics;
    private final Clock clock;

    public RequestLimits(LimitCounters counters, GatewayMetrics metrics, Clock clock) {
        this.counters = counters;
        this.metrics = metrics;
        this.clock = clock;
    }

    /** Checks the limits of the exchange's {@code caller} and {@code model}; the slots taken are freed at its end. */
    public void acquire(Exchange exchange) {
        Caller caller = exchange.getVariable("caller", Caller.class);
        ModelDefinition model = exchange.getVariable("model", ModelDefinition.class);
        Map<String, Integer> perMinute = new java.util.LinkedHashMap<>();
        Map<String, Integer> concurrent = new java.util.LinkedHashMap<>();
        if (caller.keyName() != null) {
            putIfSet(perMinute, "key:" + caller.keyName(), caller.requestsPerMinute());
            putIfSet(concurrent, "key:" + caller.keyName(), caller.concurrentStreams());
        }
        putIfSet(perMinute, "model:" + model.id(), model.limits().requestsPerMinute());
        putIfSet(concurrent, "model:" + model.id(), model.limits().concurrentStreams());

        long nowMillis = clock.millis();
        long window = nowMillis / 60_000;
        for (Map.Entry<String, Integer> limit : perMinute.entrySet()) {
            if (counters.countRequest(limit.getKey(), window) > limit.getValue()) {
                long retryAfter = Math.max(1, (window + 1) * 60 - nowMillis / 1000);
                throw reject(caller, model, limit.getKey(), "requests_per_minute",
                        "Rate limit reached for " + describe(limit.getKey()) + ": " + limit.getValue() + " requests per minute.", retryAfter);
            }
        }
        String permit = UUID.randomUUID().toString();
        List<String> taken = new ArrayList<>();
        exchange.getExchangeExtension().addOnCompletion(new SynchronizationAdapter() {
            @Override
            public void onDone(Exchange done) {
                taken.forEach(scope -> counters.releaseSlot(scope, permit));
            }
        });
        for (Map.Entry<String, Integer> limit : concurrent.entrySet()) {
            if (!counters.tryAcquireSlot(limit.getKey(), permit, limit.getValue())) {
                throw reject(caller, model, limit.getKey(), "concurrent_streams",
                        "Too many concurrent streams for " + describe(limit.getKey()) + " (at most " + limit.getValue() + ").", 1);
            }
            taken.add(limit.getKey());
        }
    }

    private OpenAiException reject(Caller caller, ModelDefinition model, String scope, String limit, String message, long retryAfter) {
        metrics.rateLimited(caller, model, limit);
        return new OpenAiException(429, "requests", "rate_limit_exceeded", null, message,
                Map.of("Retry-After", String.valueOf(retryAfter)));
    }

    private static String describe(String scope) {
        return scope.startsWith("key:") ? "key '" + scope.substring(4) + "'" : "model '" + scope.substring(6) + "'";
    }

    private static void putIfSet(Map<String, Integer> limits, String scope, Integer limit) {
        if (limit != null) {
            limits.put(scope, limit);
        }
    }
}

package io.difygateway.observability;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import io.difygateway.config.GatewayConfigException;
import io.difygateway.config.GatewayProperties;
import io.difygateway.config.ModelRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.web.context.WebServerInitializedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Part of readiness: start-up → OUT_OF_SERVICE until {@code gateway.health.warm-up-requests} chat completions (streamed
 * and not) and model lists went through the whole path (HTTP front door, routes, Dify backend, upstream client) against
 * the built-in demo app on a hidden model, so the first real request finds the code compiled and the pools open.
 */
@Component("warmUp")
public class WarmUpHealthIndicator implements HealthIndicator {

    private static final Logger LOG = LoggerFactory.getLogger(WarmUpHealthIndicator.class);

    private final ModelRegistry models;
    private final int requests;
    private volatile int port;
    private volatile String outcome;

    public WarmUpHealthIndicator(ModelRegistry models, GatewayProperties properties) {
        this.models = models;
        this.requests = properties.getHealth().getWarmUpRequests();
        if (requests < 0) {
            throw new GatewayConfigException("gateway.health.warm-up-requests must be 0 or more, not " + requests + ".",
                    "Set 0 to turn the warm-up off.");
        }
        this.outcome = requests == 0 ? "off" : null;
    }

    /** The port the gateway listens on, for the warm-up's requests. */
    @EventListener
    public void onWebServerStarted(WebServerInitializedEvent event) {
        if (event.getApplicationContext().getParent() == null) {
            port = event.getWebServer().getPort();
        }
    }

    /** Starts the warm-up once the application is up (routes started, port open). */
    @EventListener
    public void onReady(ApplicationReadyEvent event) {
        if (outcome == null) {
            Thread warmUp = new Thread(this::warmUp, "gateway-warm-up");
            warmUp.setDaemon(true);
            warmUp.start();
        }
    }

    @Override
    public Health health() {
        String done = outcome;
        return done == null ? Health.outOfService().withDetail("warmUp", "running").build() : Health.up().withDetail("warmUp", done).build();
    }

    private void warmUp() {
        long start = System.nanoTime();
        String base = "http://127.0.0.1:" + port;
        String chat = "{\"model\":\"" + models.warmUpModelName() + "\",\"messages\":[{\"role\":\"user\",\"content\":\"warm-up\"}],\"stream\":";
        // Java 17's HttpClient cannot be closed: once unreachable, its selector thread ends by itself
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        try {
            for (int i = 0; i < requests; i++) {
                send(http, post(base, chat + "true,\"stream_options\":{\"include_usage\":true}}"));
                send(http, post(base, chat + "false}"));
                send(http, request(base + "/v1/models").GET().build());
            }
            outcome = requests + " rounds in " + Duration.ofNanos(System.nanoTime() - start).toMillis() + " ms";
            LOG.info("Warmed up: {} (streamed and non-streamed completions, model lists); ready for traffic", outcome);
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            // a gateway that cannot answer its own demo app still serves its real backends: report, then take traffic
            outcome = "failed: " + e.getMessage();
            LOG.warn("The start-up warm-up failed ({}); ready for traffic without it", e.getMessage());
        }
    }

    private HttpRequest post(String base, String body) {
        return request(base + "/v1/chat/completions").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }

    private HttpRequest.Builder request(String url) {
        return HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + models.warmUpClientKey()).header("X-Request-Id", "warm-up");
    }

    private static void send(HttpClient http, HttpRequest request) throws Exception {
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IllegalStateException(request.uri().getPath() + " answered HTTP " + response.statusCode() + ": " + response.body());
        }
    }
}

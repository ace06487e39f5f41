package io.difygateway.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.difygateway.observability.WarmUpHealthIndicator;
import io.difygateway.support.FakeDify;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.autoconfigure.actuate.observability.AutoConfigureObservability;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The gateway as it runs in production: client keys, CORS, request ids, rate limits, keep-alives, timeouts,
 * retries with failover, metrics, health and the access log, with logging at DEBUG and Camel tracing on, and
 * no secret anywhere in what it answers or logs.
 */
@ExtendWith(OutputCaptureExtension.class)
@AutoConfigureObservability
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "spring.config.location=file:config/application.yaml",
        "gateway.env-model.base-url=",
        "gateway.upstream.keep-alive-interval=200ms",
        "gateway.upstream.retry-backoff=20ms",
        "gateway.access-log.format=json",
        "gateway.cors.allowed-origins=https://chat.example.com",
        "gateway.health.check-apps=true",
        "management.endpoints.web.exposure.include=health,prometheus,env,configprops",
        "logging.level.root=DEBUG",
        "logging.level.org.apache.tomcat=INFO",
        "logging.level.org.apache.catalina=INFO",
        "logging.level.org.springframework=INFO",
        "camel.main.tracing=true",
        "camel.main.message-history=true",
})
class ProductionGatewayTest {

    static final String OPEN_WEBUI_KEY = "sk-gw-openwebui-7f3e2a9c1b5d4e8f";
    static final String BATCH_KEY = "sk-gw-batchjobs-2c6e9a1f7b3d5e8a";
    static final String METERED_KEY = "sk-gw-metered-9d4b6f2a8c1e3b7d";
    static final String DIFY_KEY = "app-production-secret-5b8e1d7c";
    static final String JWT_SECRET = "production-jwt-secret-3a7c";
    static final FakeDify DIFY = FakeDify.startUnchecked();
    private static final ObjectMapper JSON = new ObjectMapper();

    @LocalServerPort
    int port;

    @Autowired
    WarmUpHealthIndicator warmUp;

    private final HttpClient http = HttpClient.newHttpClient();

    @DynamicPropertySource
    static void configuration(DynamicPropertyRegistry registry) {
        registry.add("gateway.auth.keys[0].name", () -> "open-webui");
        registry.add("gateway.auth.keys[0].key", () -> OPEN_WEBUI_KEY);
        registry.add("gateway.auth.keys[1].name", () -> "batch");
        registry.add("gateway.auth.keys[1].key", () -> BATCH_KEY);
        registry.add("gateway.auth.keys[1].models", () -> "helpdesk,slow");
        registry.add("gateway.auth.keys[1].requests-per-minute", () -> "4");
        registry.add("gateway.auth.keys[2].name", () -> "metered");
        registry.add("gateway.auth.keys[2].key", () -> METERED_KEY);
        registry.add("gateway.auth.keys[2].requests-per-minute", () -> "4");
        registry.add("gateway.identity.jwt-secret", () -> JWT_SECRET);
        model(registry, "helpdesk");
        model(registry, "finance");
        model(registry, "slow");
        registry.add("gateway.models.slow.concurrent-streams", () -> "5");
        registry.add("gateway.models.slow.timeouts.idle", () -> "5s");
        model(registry, "bounded");
        registry.add("gateway.models.bounded.timeouts.total", () -> "1500ms");
        model(registry, "failover");
        registry.add("gateway.models.failover.base-url", () -> "http://127.0.0.1:9/v1");
        registry.add("gateway.models.failover.fallback-base-urls", DIFY::baseUrl);
    }

    private static void model(DynamicPropertyRegistry registry, String id) {
        registry.add("gateway.models." + id + ".base-url", DIFY::baseUrl);
        registry.add("gateway.models." + id + ".api-key", () -> DIFY_KEY);
    }

    @AfterAll
    static void stopDify() {
        DIFY.close();
    }

    private HttpRequest.Builder request(String path, String key) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path));
        return key == null ? request : request.header("Authorization", "Bearer " + key);
    }

    private HttpResponse<String> chat(String key, String model, boolean stream) throws Exception {
        return http.send(request("/v1/chat/completions", key).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"" + model + "\",\"stream\":" + stream
                        + ",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static List<String> words(int count, Duration gap) {
        List<String> frames = new java.util.ArrayList<>(IntStream.range(0, count).mapToObj(i -> FakeDify.messageFrame("task-prod-" + i, "w" + i + " ")).toList());
        frames.add(FakeDify.messageEndFrame("task-prod-end"));
        return frames;
    }

    private static void answerQuickly() {
        DIFY.respondWith(FakeDify.stream(words(3, Duration.ZERO), Duration.ZERO));
    }

    @Test
    void withKeysEveryCallNeedsAValidKey() throws Exception {
        answerQuickly();
        for (String key : new String[] {null, "sk-wrong-key-0000000000000000"}) {
            HttpResponse<String> response = chat(key, "helpdesk", false);
            assertThat(response.statusCode()).isEqualTo(401);
            assertThat(JSON.readTree(response.body()).at("/error/code").asText()).isEqualTo("invalid_api_key");
            assertThat(http.send(request("/v1/models", key).build(), HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(401);
        }
        assertThat(chat(OPEN_WEBUI_KEY, "helpdesk", false).statusCode()).isEqualTo(200);
    }

    @Test
    void aKeySeesAndUsesOnlyItsModels() throws Exception {
        answerQuickly();
        JsonNode models = JSON.readTree(http.send(request("/v1/models", BATCH_KEY).build(), HttpResponse.BodyHandlers.ofString()).body());
        assertThat(models.get("data").findValuesAsText("id")).containsExactly("helpdesk", "slow");
        HttpResponse<String> forbidden = chat(BATCH_KEY, "finance", false);
        assertThat(forbidden.statusCode()).isEqualTo(404);
        assertThat(JSON.readTree(forbidden.body()).at("/error/code").asText()).isEqualTo("model_not_found");
        assertThat(http.send(request("/v1/models/finance", BATCH_KEY).build(), HttpResponse.BodyHandlers.ofString()).statusCode())
                .isEqualTo(404);
        assertThat(JSON.readTree(http.send(request("/v1/models", OPEN_WEBUI_KEY).build(), HttpResponse.BodyHandlers.ofString()).body())
                .get("data")).hasSize(5);
    }

    @Test
    void theKeyNameIsTheDifyUserWhenNothingElseNamesOne() throws Exception {
        answerQuickly();
        chat(OPEN_WEBUI_KEY, "finance", false);
        assertThat(JSON.readTree(DIFY.lastChatRequest().body()).get("user").asText()).isEqualTo("open-webui");
    }

    @Test
    void everyResponseCarriesARequestId() throws Exception {
        answerQuickly();
        HttpResponse<String> echoed = http.send(request("/v1/chat/completions", OPEN_WEBUI_KEY).header("X-Request-Id", "trace-42")
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"helpdesk\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(echoed.headers().firstValue("x-request-id")).hasValue("trace-42");
        HttpResponse<String> replaced = http.send(request("/v1/models", OPEN_WEBUI_KEY).header("X-Request-Id", "bad id with spaces").build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(replaced.headers().firstValue("x-request-id")).hasValueSatisfying(id -> assertThat(id).startsWith("req_"));
        for (HttpResponse<String> response : List.of(chat(null, "helpdesk", false),
                http.send(request("/v1/nope", OPEN_WEBUI_KEY).build(), HttpResponse.BodyHandlers.ofString()),
                http.send(request("/v1/chat/completions", OPEN_WEBUI_KEY).header("Content-Type", "multipart/form-data; boundary=x")
                        .POST(HttpRequest.BodyPublishers.ofString("--x--")).build(), HttpResponse.BodyHandlers.ofString()))) {
            assertThat(response.headers().firstValue("x-request-id")).as("status %d", response.statusCode()).isPresent();
        }
    }

    @Test
    void browsersFromAllowedOriginsGetCorsAnswers() throws Exception {
        HttpResponse<String> preflight = http.send(request("/v1/chat/completions", null).method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .header("Origin", "https://chat.example.com").header("Access-Control-Request-Method", "POST")
                .header("Access-Control-Request-Headers", "authorization,content-type,x-stainless-os").build(), HttpResponse.BodyHandlers.ofString());
        assertThat(preflight.statusCode()).isEqualTo(200);
        assertThat(preflight.headers().firstValue("Access-Control-Allow-Origin")).hasValue("https://chat.example.com");
        assertThat(preflight.headers().firstValue("Access-Control-Allow-Headers").orElse("").toLowerCase()).contains("authorization");
        HttpResponse<String> foreign = http.send(request("/v1/chat/completions", null).method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .header("Origin", "https://evil.example.org").header("Access-Control-Request-Method", "POST").build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(foreign.statusCode()).isEqualTo(403);
        HttpResponse<String> models = http.send(request("/v1/models", OPEN_WEBUI_KEY).header("Origin", "https://chat.example.com").build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(models.headers().firstValue("Access-Control-Allow-Origin")).hasValue("https://chat.example.com");
        assertThat(models.headers().firstValue("Access-Control-Expose-Headers").orElse("").toLowerCase()).contains("x-request-id");
    }

    @Test
    void aKeysRequestsPerMinuteAreCountedAcrossItsModels() throws Exception {
        answerQuickly();
        // the window may turn over during the test: count the refusals in two tries at most
        List<Integer> statuses = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            statuses.add(chat(METERED_KEY, i % 2 == 0 ? "helpdesk" : "slow", false).statusCode());
        }
        assertThat(statuses.stream().filter(status -> status == 429).count()).isBetween(1L, 2L);
        HttpResponse<String> limited = chat(METERED_KEY, "helpdesk", false);
        if (limited.statusCode() == 429) {
            long retryAfter = Long.parseLong(limited.headers().firstValue("Retry-After").orElseThrow());
            assertThat(retryAfter).isBetween(1L, 60L);
            assertThat(JSON.readTree(limited.body()).at("/error/message").asText()).contains("key 'metered'").contains("4 requests per minute");
        }
    }

    @Test
    void manyConcurrentStreamsGetExactlyTheAllowedNumberOfSlots() throws Exception {
        DIFY.respondWith(FakeDify.stream(words(6, Duration.ZERO), Duration.ofMillis(250)));
        List<CompletableFuture<HttpResponse<String>>> responses = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            responses.add(http.sendAsync(request("/v1/chat/completions", OPEN_WEBUI_KEY).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"slow\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"))
                    .build(), HttpResponse.BodyHandlers.ofString()));
        }
        List<Integer> statuses = new ArrayList<>();
        for (CompletableFuture<HttpResponse<String>> response : responses) {
            HttpResponse<String> done = response.get();
            statuses.add(done.statusCode());
            if (done.statusCode() == 200) {
                assertThat(done.body()).endsWith("data: [DONE]\n\n");
            } else {
                assertThat(done.headers().firstValue("Retry-After")).hasValue("1");
            }
        }
        assertThat(statuses.stream().filter(status -> status == 200).count()).as(statuses.toString()).isEqualTo(5);
        assertThat(statuses.stream().filter(status -> status == 429).count()).isEqualTo(15);
        assertThat(chat(OPEN_WEBUI_KEY, "slow", true).statusCode()).as("slots are free again afterwards").isEqualTo(200);
        String metrics = http.send(request("/actuator/prometheus", null).build(), HttpResponse.BodyHandlers.ofString()).body();
        assertThat(metrics).containsPattern("gateway_rate_limit_rejections_total\\{[^}]*limit=\"concurrent_streams\"[^}]*model=\"slow\"[^}]*} 15.0");
    }

    @Test
    void keepAlivesCarryAStreamThroughALongSilence() throws Exception {
        // Dify is silent for 3 s; the client gives up after 1 s without a byte (as a proxy would after 60 s)
        DIFY.respondWith((exchange, dify) -> {
            List<String> frames = words(2, Duration.ZERO);
            FakeDify.stream(frames.subList(0, 1), Duration.ZERO).respond(exchange, dify);
            try {
                Thread.sleep(3000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            exchange.getResponseBody().write(frames.get(1).getBytes(StandardCharsets.UTF_8));
            exchange.getResponseBody().flush();
        });
        String body = "{\"model\":\"slow\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
        int keepAlives = 0;
        boolean done = false;
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(1000);
            socket.getOutputStream().write(("POST /v1/chat/completions HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + OPEN_WEBUI_KEY
                    + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length() + "\r\n\r\n" + body).getBytes(StandardCharsets.UTF_8));
            BufferedReader reader = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            String line;
            while ((line = reader.readLine()) != null) {
                if (line.equals(": keep-alive")) {
                    keepAlives++;
                }
                if (line.equals("data: [DONE]")) {
                    done = true;
                    break;
                }
            }
        } catch (SocketTimeoutException e) {
            throw new AssertionError("the client saw a silence of 1 s", e);
        }
        assertThat(done).isTrue();
        assertThat(keepAlives).as("keep-alive comments during the 3 s silence, one per 200 ms").isGreaterThanOrEqualTo(8);
    }

    @Test
    void aStreamOverItsTotalTimeoutEndsWithAnErrorAndDifyIsAskedToStop() throws Exception {
        DIFY.respondWith(FakeDify.stream(IntStream.range(0, 40).mapToObj(i -> FakeDify.messageFrame("task-total", "t" + i + " ")).toList(),
                Duration.ofMillis(100)));
        long start = System.nanoTime();
        HttpResponse<String> response = chat(OPEN_WEBUI_KEY, "bounded", true);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(3000));
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).contains("\"code\":\"upstream_timeout\"").contains("total timeout of 1500 ms")
                .endsWith("data: [DONE]\n\n");
        FakeDify.Request stop = DIFY.awaitStop(Duration.ofSeconds(5));
        assertThat(stop).isNotNull();
        assertThat(stop.path()).isEqualTo("/v1/chat-messages/task-total/stop");
    }

    @Test
    void anUnreachableBaseUrlFailsOverToTheNextOne() throws Exception {
        answerQuickly();
        HttpResponse<String> response = chat(OPEN_WEBUI_KEY, "failover", false);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(JSON.readTree(response.body()).at("/choices/0/message/content").asText()).isEqualTo("w0 w1 w2 ");
    }

    @Test
    void readinessWaitsForTheStartUpWarmUpWhoseModelNoClientCanUse(CapturedOutput output) throws Exception {
        String status = "";
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!"UP".equals(status) && System.nanoTime() < deadline) {
            JsonNode readiness = JSON.readTree(http.send(request("/actuator/health/readiness", null).build(),
                    HttpResponse.BodyHandlers.ofString()).body());
            status = readiness.at("/components/warmUp/status").asText();
            assertThat(status).as("the warm-up is part of readiness").isIn("UP", "OUT_OF_SERVICE");
            Thread.sleep(100);
        }
        assertThat(status).isEqualTo("UP");
        // client keys are configured and the demo model is off here: the warm-up went through both anyway
        assertThat(String.valueOf(warmUp.health().getDetails().get("warmUp"))).matches("20 rounds in \\d+ ms");
        assertThat(output.getAll()).doesNotContainPattern("io\\.difygateway\\.access.*gateway-warm-up");
        HttpResponse<String> byId = chat(OPEN_WEBUI_KEY, "gateway-warm-up", false);
        assertThat(byId.statusCode()).isEqualTo(404);
        assertThat(http.send(request("/v1/models", OPEN_WEBUI_KEY).build(), HttpResponse.BodyHandlers.ofString()).body())
                .doesNotContain("warm-up");
    }

    @Test
    void metricsHealthAndTheAccessLogDescribeRequestsWithoutSecrets(CapturedOutput output) throws Exception {
        DIFY.respondWith(FakeDify.transcript(Path.of("src/test/resources/transcripts/dify/chat-basic.sse"), Duration.ZERO));
        assertThat(chat(OPEN_WEBUI_KEY, "helpdesk", true).statusCode()).isEqualTo(200);
        String metrics = http.send(request("/actuator/prometheus", null).build(), HttpResponse.BodyHandlers.ofString()).body();
        assertThat(metrics).containsPattern("gateway_requests_total\\{[^}]*key=\"open-webui\"[^}]*model=\"helpdesk\"[^}]*outcome=\"success\"")
                .contains("gateway_time_to_first_token_seconds_bucket").contains("gateway_request_duration_seconds_bucket")
                .containsPattern("gateway_tokens_total\\{[^}]*model=\"helpdesk\",type=\"prompt\"")
                .contains("gateway_active_streams").contains("camel_exchanges_total");

        JsonNode readiness = JSON.readTree(http.send(request("/actuator/health/readiness", null).build(), HttpResponse.BodyHandlers.ofString()).body());
        assertThat(readiness.at("/components/difyApps").isMissingNode()).isFalse();
        assertThat(http.send(request("/actuator/health/liveness", null).build(), HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);

        JsonNode access = null;
        for (String line : output.getAll().split("\n")) {
            int json = line.indexOf("{\"request_id\"");
            if (line.contains("io.difygateway.access") && json >= 0) {
                access = JSON.readTree(line.substring(json));
            }
        }
        assertThat(access).as("an access-log line in JSON").isNotNull();
        assertThat(access.get("model").asText()).isNotBlank();
        assertThat(access.has("status") && access.has("duration_ms") && access.has("key") && access.has("user")).isTrue();
    }

    @Test
    void noSecretIsAnsweredOrLogged(CapturedOutput output) throws Exception {
        DIFY.respondWith(FakeDify.error(401, "{\"code\": \"unauthorized\", \"message\": \"Access token is invalid\", \"status\": 401}\n", java.util.Map.of()));
        List<String> answers = new ArrayList<>();
        answers.add(chat(OPEN_WEBUI_KEY, "helpdesk", true).body());
        answerQuickly();
        answers.add(chat(BATCH_KEY, "helpdesk", false).body());
        answers.add(http.send(request("/v1/chat/completions", OPEN_WEBUI_KEY).header("Content-Type", "application/json")
                .header("X-OpenWebUI-User-Jwt", "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.bad-signature")
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"helpdesk\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")).build(),
                HttpResponse.BodyHandlers.ofString()).body());
        for (String endpoint : List.of("/actuator/env", "/actuator/configprops", "/actuator/prometheus", "/actuator/health")) {
            answers.add(http.send(request(endpoint, null).build(), HttpResponse.BodyHandlers.ofString()).body());
        }
        Thread.sleep(300); // the access log is written when the exchange completes
        String everything = String.join("\n", answers) + "\n" + output.getAll();
        assertThat(output.getAll().contains("Exchange[Id:") && output.getAll().contains("upstream-call"))
                .as("Camel tracing was on and traced the step that sets the Dify key").isTrue();
        for (String secret : List.of(OPEN_WEBUI_KEY, BATCH_KEY, DIFY_KEY, JWT_SECRET)) {
            int at = everything.indexOf(secret);
            assertThat(at).as("a secret in answers or logs: ...%s...", at < 0 ? "" : everything.substring(Math.max(0, at - 300), at))
                    .isNegative();
        }
    }
}

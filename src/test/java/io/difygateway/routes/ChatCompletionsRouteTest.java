package io.difygateway.routes;

import static io.difygateway.support.OpenAiStreams.chunks;
import static io.difygateway.support.OpenAiStreams.content;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.difygateway.support.FakeDify;
import io.micrometer.core.instrument.MeterRegistry;
import io.difygateway.support.GatewayTestBase;
import org.apache.camel.CamelContext;
import org.apache.camel.component.http.HttpComponent;
import org.apache.camel.component.http.HttpEndpoint;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.beans.factory.annotation.Autowired;

/** The front door and the Dify backend route against a fake Dify: the exact Dify request, the OpenAI answer, every error. */
class ChatCompletionsRouteTest extends GatewayTestBase {

    private static final Path TRANSCRIPTS = Path.of("src/test/resources/transcripts/dify");
    private static final ObjectMapper JSON = new ObjectMapper();

    @Autowired
    private MeterRegistry meters;

    @Autowired
    CamelContext camel;

    private static JsonNode json(String text) throws IOException {
        return JSON.readTree(text);
    }



    @Test
    void theUpstreamHttpClientUsesTheGatewayTimeoutsAndNeverRetriesOnItsOwn() {
        HttpComponent http = camel.getComponent("http", HttpComponent.class);
        assertThat(http.isAutomaticRetriesDisabled()).isTrue();
        assertThat(http.isContentCompressionDisabled()).isTrue();
        assertThat(http.getConnectTimeout()).isEqualTo(2000);
        assertThat(http.getResponseTimeout()).isEqualTo(2000);
        assertThat(http.getSoTimeout()).isEqualTo(2000);
        assertThat(http.getMaxTotalConnections()).isEqualTo(10000);
        assertThat(http.getConnectionsPerRoute()).isEqualTo(10000);
    }

    @Test
    void aDifyConnectionWhoseStreamEndedNormallyGoesBackToThePool() throws Exception {
        DIFY.respondWith(FakeDify.transcript(TRANSCRIPTS.resolve("chat-basic.sse"), Duration.ZERO));
        // the one pool serves every upstream call, also background ones (app reads, stop calls of earlier tests)
        PoolingHttpClientConnectionManager pool = camel.getEndpoints().stream().filter(HttpEndpoint.class::isInstance)
                .map(HttpEndpoint.class::cast).filter(endpoint -> endpoint.getEndpointUri().startsWith("http://upstream"))
                .map(endpoint -> (PoolingHttpClientConnectionManager) endpoint.getClientConnectionManager()).findFirst().orElseThrow();
        int leasedBefore = pool.getTotalStats().getLeased();
        HttpResponse<String> response = postJson("/v1/chat/completions", chat("helpdesk", true, "hi"));
        assertThat(response.body()).endsWith("data: [DONE]\n\n");
        assertThat(pool.getTotalStats().getLeased()).as("the run call's connection is no longer leased").isLessThanOrEqualTo(leasedBefore);
        assertThat(pool.getTotalStats().getAvailable()).as("read to its end and kept alive for the next call, not dropped").isPositive();
    }

    @Test
    void consecutiveRequestsReuseTheKeptAliveUpstreamConnection() throws Exception {
        DIFY.respondWith(FakeDify.transcript(TRANSCRIPTS.resolve("chat-basic.sse"), Duration.ZERO));
        assertThat(postJson("/v1/chat/completions", chat("helpdesk", true, "first")).body()).endsWith("data: [DONE]\n\n");
        assertThat(postJson("/v1/chat/completions", chat("writer", true, "second")).body()).endsWith("data: [DONE]\n\n");
        List<Integer> ports = DIFY.runCallPorts();
        assertThat(ports.get(ports.size() - 1)).as("the second run call (another app, the same Dify) went over the first one's connection")
                .isEqualTo(ports.get(ports.size() - 2));
    }

    @Test
    void idleKeptAliveDifyConnectionsAreClosedBeforeTheServerWould() throws Exception {
        // any http endpoint of the gateway: a fully read answer leaves its connection in the pool
        HttpEndpoint info = camel.getEndpoint("http://" + URI.create(DIFY.baseUrl()).getAuthority() + "/v1/info", HttpEndpoint.class);
        String answer = camel.createProducerTemplate().requestBodyAndHeader(info, null, "Authorization", "Bearer app-idle-check", String.class);
        assertThat(answer).contains("\"name\"");
        PoolingHttpClientConnectionManager pool = (PoolingHttpClientConnectionManager) info.getClientConnectionManager();
        assertThat(pool.getTotalStats().getAvailable()).as("the connection is kept alive for the next call").isPositive();
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (pool.getTotalStats().getAvailable() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertThat(pool.getTotalStats().getAvailable()).as("closed after gateway.upstream.idle-connection-timeout (1 s)").isZero();
    }

    @Test
    void routesAreLoadedFromTheRoutesFolderWithTheirDescriptions() {
        assertThat(camel.getRoute("chat-completions")).isNotNull();
        assertThat(camel.getRoute("backend-dify").getDescription()).isNotBlank();
        assertThat(camel.getRoute("backend-dify").getSourceLocation()).contains("routes/backends/dify.camel.yaml");
    }

    @Test
    void sendsDifyExactlyTheAppKeyAStreamingRequestAndNothingFromTheClient() throws Exception {
        DIFY.respondWith(FakeDify.transcript(TRANSCRIPTS.resolve("chat-basic.sse"), Duration.ZERO));
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri("/v1/chat/completions"))
                .header("Content-Type", "application/json")
                .header("Authorization", "Bearer client-key-must-not-leak")
                .header("X-Private-Header", "private-value")
                .POST(HttpRequest.BodyPublishers.ofString("""
                        {"model":"flow","user":"jane@example.com","temperature":0.2,"foo":{"bar":1},
                         "messages":[{"role":"user","content":"What is the refund policy?"}]}"""))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);

        FakeDify.Request request = DIFY.lastChatRequest();
        assertThat(request.path()).isEqualTo("/v1/chat-messages");
        assertThat(request.header("Authorization")).isEqualTo("Bearer app-flow-secret");
        assertThat(request.header("Content-Type")).startsWith("application/json");
        assertThat(request.header("X-Private-Header")).isNull();
        assertThat(request.headers().toString()).doesNotContain("client-key-must-not-leak").doesNotContain("CamelHttp");
        JsonNode body = json(request.body());
        assertThat(body.get("query").asText()).isEqualTo("What is the refund policy?");
        assertThat(body.get("user").asText()).isEqualTo("jane@example.com");
        assertThat(body.get("response_mode").asText()).isEqualTo("streaming");
        assertThat(body.get("inputs")).isEqualTo(json("{\"department\":\"sales\"}"));
        assertThat(body.get("auto_generate_name").asBoolean()).isFalse();
        assertThat(body.has("conversation_id")).isFalse();
    }

    @Test
    void withoutAUserStringTheConfiguredDefaultUserIsSentAndHistoryIsFlattened() throws Exception {
        DIFY.respondWith(FakeDify.transcript(TRANSCRIPTS.resolve("chat-basic.sse"), Duration.ZERO));
        String body = Files.readString(Path.of("src/test/resources/openwebui/chat-stream-with-history.json"))
                .replace("dify-helpdesk", "helpdesk");
        assertThat(postJson("/v1/chat/completions", body).statusCode()).isEqualTo(200);
        JsonNode sent = json(DIFY.lastChatRequest().body());
        assertThat(sent.get("user").asText()).isEqualTo("gateway-test-user");
        assertThat(sent.get("inputs")).isEqualTo(json("{}"));
        assertThat(sent.get("query").asText())
                .startsWith("### Instructions\nYou are ACME Corp's internal IT helpdesk assistant.")
                .contains("**User:** How do I reset my VPN token?")
                .contains("**Assistant:** Open the self-service portal")
                .endsWith("### Current message\nAnd if I lost the phone with the authenticator app on it?");
    }

    @Test
    void nonStreamingAggregatesTheStreamIntoOneCompletionWithUsage() throws Exception {
        DIFY.respondWith(FakeDify.transcript(TRANSCRIPTS.resolve("agent-chat-tool-call.sse"), Duration.ZERO));
        HttpResponse<String> response = postJson("/v1/chat/completions", chat("agent", false, "Weather in Paris?"));
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
        JsonNode body = json(response.body());
        assertThat(body.get("object").asText()).isEqualTo("chat.completion");
        assertThat(body.get("model").asText()).isEqualTo("agent");
        assertThat(body.get("id").asText()).startsWith("chatcmpl-");
        assertThat(body.at("/choices/0/message/content").asText())
                .isEqualTo("It's currently 18°C and partly cloudy in Paris, with a light 12 km/h wind.");
        assertThat(body.at("/usage/total_tokens").asLong()).isEqualTo(body.at("/usage/prompt_tokens").asLong()
                + body.at("/usage/completion_tokens").asLong());
        assertThat(json(DIFY.lastChatRequest().body()).get("response_mode").asText()).isEqualTo("streaming");
    }

    @Test
    void streamingFollowsTheOpenAiChunkSequence() throws Exception {
        DIFY.respondWith(FakeDify.transcript(TRANSCRIPTS.resolve("advanced-chat.sse"), Duration.ZERO));
        HttpResponse<String> response = postJson("/v1/chat/completions", """
                {"model":"flow","stream":true,"stream_options":{"include_usage":true},"messages":[{"role":"user","content":"Refunds?"}]}""");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/event-stream"));
        assertThat(response.headers().firstValue("Cache-Control")).hasValue("no-cache");
        List<JsonNode> chunks = chunks(response.body());
        assertThat(chunks.get(0).at("/choices/0/delta/role").asText()).isEqualTo("assistant");
        assertThat(content(chunks)).isEqualTo("Customers on annual plans get a full refund within 30 days, and a prorated refund afterwards.");
        assertThat(chunks.stream().map(c -> c.get("id").asText()).distinct()).hasSize(1);
        JsonNode finish = chunks.get(chunks.size() - 2);
        assertThat(finish.at("/choices/0/finish_reason").asText()).isEqualTo("stop");
        JsonNode usage = chunks.get(chunks.size() - 1);
        assertThat(usage.get("choices").isEmpty()).isTrue();
        assertThat(usage.at("/usage/prompt_tokens").asLong()).isPositive();
        assertThat(response.body()).endsWith("data: [DONE]\n\n").as("Dify's first ping does not commit the response")
                .doesNotContain(": keep-alive");
        assertThat(response.body()).doesNotContain("workflow_started").doesNotContain("\"event\"");
    }

    @Test
    void aChatflowThatFailsAfterItsFirstPingIsARealHttpErrorForAStreamingClient() throws Exception {
        DIFY.respondWith(FakeDify.transcript(TRANSCRIPTS.resolve("advanced-chat-failed.sse"), Duration.ZERO));
        HttpResponse<String> response = postJson("/v1/chat/completions", chat("flow", true, "Refunds?"));
        assertOpenAiError(response, 502, "workflow_failed", "Rate limit reached");
    }

    @Test
    void aStreamThatEndsWithoutMessageEndEndsWithAnErrorNotACleanStop() throws Exception {
        DIFY.respondWith(FakeDify.transcript(TRANSCRIPTS.resolve("chat-no-message-end.sse"), Duration.ZERO));
        HttpResponse<String> response = postJson("/v1/chat/completions", chat("helpdesk", true, "hi"));
        List<JsonNode> chunks = chunks(response.body());
        assertThat(content(chunks)).isEqualTo("Partial answer only");
        assertThat(chunks.get(chunks.size() - 1).at("/error/code").asText()).isEqualTo("upstream_stream_truncated");
        assertThat(chunks).noneMatch(chunk -> "stop".equals(chunk.at("/choices/0/finish_reason").asText()));
        assertThat(response.body()).endsWith("data: [DONE]\n\n");
        DIFY.respondWith(FakeDify.transcript(TRANSCRIPTS.resolve("chat-no-message-end.sse"), Duration.ZERO));
        assertOpenAiError(postJson("/v1/chat/completions", chat("helpdesk", false, "hi")), 502, "upstream_stream_truncated", "ended before its end");
    }

    @Test
    void anInStreamDifyErrorBecomesAnErrorChunkThenDone() throws Exception {
        DIFY.respondWith(FakeDify.transcript(TRANSCRIPTS.resolve("chat-error-midway.sse"), Duration.ZERO));
        HttpResponse<String> response = postJson("/v1/chat/completions", chat("helpdesk", true, "hi"));
        assertThat(response.statusCode()).isEqualTo(200);
        List<JsonNode> chunks = chunks(response.body());
        JsonNode error = chunks.get(chunks.size() - 1);
        assertThat(error.has("choices")).isFalse();
        assertThat(error.at("/error/code").asText()).isEqualTo("completion_request_error");
        assertThat(error.at("/error/message").asText()).contains("The server is overloaded");
        assertThat(response.body()).endsWith("data: [DONE]\n\n");
    }

    @Test
    void anInStreamDifyErrorEndsTheRunWithoutAStopCall() throws Exception {
        while (DIFY.awaitStop(Duration.ZERO) != null) {
            // drop the stop calls of earlier tests
        }
        DIFY.respondWith(FakeDify.transcript(TRANSCRIPTS.resolve("chat-error-midway.sse"), Duration.ZERO));
        assertThat(postJson("/v1/chat/completions", chat("helpdesk", true, "hi")).body()).contains("completion_request_error");
        assertThat(DIFY.awaitStop(Duration.ofMillis(1500))).as("Dify already ended the run").isNull();
    }

    @Test
    void anInStreamQuotaErrorHasTheCodeOfTheHttpOne() throws Exception {
        DIFY.respondWith(FakeDify.stream(List.of(FakeDify.messageFrame("task-q", "Hel"),
                "data: {\"event\": \"error\", \"task_id\": \"task-q\", \"status\": 400, \"code\": \"provider_quota_exceeded\","
                        + " \"message\": \"Your quota for Dify Hosted Model Provider has been exhausted.\"}\n\n"), Duration.ZERO));
        List<JsonNode> chunks = chunks(postJson("/v1/chat/completions", chat("helpdesk", true, "hi")).body());
        JsonNode error = chunks.get(chunks.size() - 1).get("error");
        assertThat(error.get("type").asText()).isEqualTo("insufficient_quota");
        assertThat(error.get("code").asText()).isEqualTo("insufficient_quota");
        DIFY.respondWith(FakeDify.stream(List.of("data: {\"event\": \"error\", \"status\": 400, \"code\": \"provider_quota_exceeded\","
                + " \"message\": \"exhausted\"}\n\n"), Duration.ZERO));
        assertOpenAiError(postJson("/v1/chat/completions", chat("helpdesk", false, "hi")), 429, "insufficient_quota", "no model quota left");
    }

    @Test
    @ExtendWith(OutputCaptureExtension.class)
    void aResponseHeadWithoutEventsTimesOutAtTheFirstEventDeadlineNotTheIdleOne(CapturedOutput output) throws Exception {
        DIFY.respondWith((exchange, dify) -> {
            FakeDify.stream(List.of(), Duration.ZERO).respond(exchange, dify);
            FakeDify.silence(Duration.ofSeconds(5)).respond(exchange, dify);
        });
        long start = System.nanoTime();
        HttpResponse<String> response = postJson("/v1/chat/completions", chat("patient", true, "hi"));
        assertOpenAiError(response, 504, "upstream_timeout", "first-event timeout of 1 s");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(3000));
        String requestId = response.headers().firstValue("X-Request-Id").orElseThrow();
        List<String> lines = output.getOut().lines().filter(line -> line.contains(requestId)).toList();
        assertThat(lines).anySatisfy(line -> assertThat(line).contains("WARN").contains("504 upstream_timeout for model patient"));
        assertThat(lines).noneSatisfy(line -> assertThat(line).contains("Exception"));
        assertThat(output.getOut()).doesNotContain("\tat org.apache");
    }

    @Test
    void noResponseHeadTimesOutAtTheFirstEventDeadlineNotTheIdleOne() throws Exception {
        DIFY.respondWith(FakeDify.silence(Duration.ofSeconds(5)));
        long start = System.nanoTime();
        assertOpenAiError(postJson("/v1/chat/completions", chat("patient", false, "hi")), 504, "upstream_timeout",
                "first-event timeout of 1 s");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(3000));
    }

    @Test
    void anInStreamDifyErrorOfANonStreamedRequestIsAnHttpError() throws Exception {
        DIFY.respondWith(FakeDify.transcript(TRANSCRIPTS.resolve("chat-error-midway.sse"), Duration.ZERO));
        HttpResponse<String> response = postJson("/v1/chat/completions", chat("helpdesk", false, "hi"));
        assertOpenAiError(response, 502, "completion_request_error", "The server is overloaded");
    }

    @Test
    void difyRejectingTheAppKeyIsA502NamingTheModelButNotTheKey() throws Exception {
        DIFY.respondWith(FakeDify.error(401, "{\"code\": \"unauthorized\", \"message\": \"Access token is invalid\", \"status\": 401}\n", Map.of()));
        for (boolean stream : new boolean[] {false, true}) {
            HttpResponse<String> response = postJson("/v1/chat/completions", chat("helpdesk", stream, "hi"));
            assertOpenAiError(response, 502, "upstream_auth_failed", "model 'helpdesk'");
            assertThat(response.body()).doesNotContain(HELPDESK_KEY).contains("Access token is invalid");
        }
    }

    @Test
    void difyBadRequestIsA400WithDifysMessage() throws Exception {
        DIFY.respondWith(FakeDify.error(400, "{\"code\": \"invalid_param\", \"message\": \"city is required in input form\", \"status\": 400}\n", Map.of()));
        assertOpenAiError(postJson("/v1/chat/completions", chat("helpdesk", true, "hi")), 400, "invalid_param",
                "city is required in input form");
    }

    @Test
    void difyNotFoundIsA404() throws Exception {
        DIFY.respondWith(FakeDify.error(404, "{\"code\": \"not_found\", \"message\": \"Conversation Not Exists.\", \"status\": 404}\n", Map.of()));
        assertOpenAiError(postJson("/v1/chat/completions", chat("helpdesk", false, "hi")), 404, "not_found", "Conversation Not Exists.");
    }

    @Test
    void difyRateLimitIsA429KeepingRetryAfterWithoutRetrying() throws Exception {
        DIFY.respondWith(FakeDify.error(429, "{\"code\": \"too_many_requests\", \"message\": \"Too many requests.\", \"status\": 429}\n",
                Map.of("Retry-After", "17")));
        int before = DIFY.chatRequests().size();
        long start = System.nanoTime();
        HttpResponse<String> response = postJson("/v1/chat/completions", chat("helpdesk", true, "hi"));
        assertOpenAiError(response, 429, "rate_limit_exceeded", "Too many requests.");
        assertThat(response.headers().firstValue("Retry-After")).hasValue("17");
        assertThat(DIFY.chatRequests().size() - before).as("a chat run is never re-sent behind the client's back").isEqualTo(1);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    }

    @Test
    void aProxys503BeforeAnythingRanIsTriedAgainThenA502() throws Exception {
        DIFY.respondWith(FakeDify.error(503, "<html>Service Unavailable</html>", Map.of("Retry-After", "1")));
        int before = DIFY.chatRequests().size();
        HttpResponse<String> response = postJson("/v1/chat/completions", chat("helpdesk", false, "hi"));
        assertOpenAiError(response, 502, "upstream_error", "HTTP 503");
        assertThat(DIFY.chatRequests().size() - before).as("the first call and gateway.upstream.retries (2) more").isEqualTo(3);
        assertThat(response.headers().firstValue("x-should-retry")).isEmpty();
    }

    @Test
    void difyInternalErrorIsNotTriedAgainAndTellsSdksNotToEither() throws Exception {
        DIFY.respondWith(FakeDify.error(500, "{\"code\": \"internal_server_error\", \"message\": \"boom\", \"status\": 500}\n", Map.of()));
        int before = DIFY.chatRequests().size();
        HttpResponse<String> response = postJson("/v1/chat/completions", chat("helpdesk", false, "hi"));
        assertOpenAiError(response, 502, "internal_server_error", "boom");
        assertThat(DIFY.chatRequests().size() - before).isEqualTo(1);
        assertThat(response.headers().firstValue("x-should-retry")).hasValue("false");
    }

    @Test
    void difyUnreachableIsA502() throws Exception {
        assertOpenAiError(postJson("/v1/chat/completions", chat("offline", true, "hi")), 502, "upstream_unreachable", "model 'offline'");
    }

    @Test
    void noFirstEventWithinTheTimeoutIsA504() throws Exception {
        DIFY.respondWith(FakeDify.silence(Duration.ofSeconds(4)));
        long start = System.nanoTime();
        HttpResponse<String> response = postJson("/v1/chat/completions", chat("helpdesk", true, "hi"));
        assertOpenAiError(response, 504, "upstream_timeout", "first-event timeout of 2 s");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(3500));
    }

    @Test
    void silenceAfterTheStreamStartedIsAnErrorChunk() throws Exception {
        List<String> frames = FakeDify.frames(Files.readString(TRANSCRIPTS.resolve("chat-basic.sse")));
        DIFY.respondWith((exchange, dify) -> {
            FakeDify.stream(frames.subList(0, 2), Duration.ZERO).respond(exchange, dify);
            FakeDify.silence(Duration.ofSeconds(4)).respond(exchange, dify);
        });
        HttpResponse<String> response = postJson("/v1/chat/completions", chat("helpdesk", true, "hi"));
        assertThat(response.statusCode()).isEqualTo(200);
        List<JsonNode> chunks = chunks(response.body());
        assertThat(content(chunks)).isEqualTo("Annual plans");
        assertThat(chunks.get(chunks.size() - 1).at("/error/code").asText()).isEqualTo("upstream_timeout");
        assertThat(response.body()).endsWith("data: [DONE]\n\n");
    }

    @Test
    void anAnswerThatIsNotAnEventStreamIsA502() throws Exception {
        DIFY.respondWith(FakeDify.error(200, "{\"answer\": \"blocking\"}", Map.of()));
        assertOpenAiError(postJson("/v1/chat/completions", chat("helpdesk", true, "hi")), 502, "upstream_protocol_error", "base-url");
    }

    @Test
    void clientErrorsAreOpenAiErrorsWithoutEchoedHeaders() throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri("/v1/chat/completions"))
                .header("Content-Type", "application/json").header("X-Echo-Me", "secret-value")
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"helpdesk\",\"messages\":[]}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertOpenAiError(response, 400, "invalid_value", "at least one message");
        assertThat(response.headers().map().toString()).doesNotContain("secret-value").doesNotContain("Camel");

        assertOpenAiError(postJson("/v1/chat/completions", "{not json"), 400, null, "could not parse the JSON");
        assertOpenAiError(postJson("/v1/chat/completions", chat("nope", true, "hi")), 404, "model_not_found", "'nope'");
    }

    @Test
    void aBodyWithoutJsonContentTypeIsStillParsedAsJson() throws Exception {
        DIFY.respondWith(FakeDify.transcript(TRANSCRIPTS.resolve("chat-basic.sse"), Duration.ZERO));
        for (String type : new String[] {"application/x-www-form-urlencoded", "text/plain"}) {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri("/v1/chat/completions"))
                    .header("Content-Type", type)
                    .POST(HttpRequest.BodyPublishers.ofString(chat("helpdesk", false, "hi"))).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).as(type).isEqualTo(200);
        }
        HttpResponse<String> form = http.send(HttpRequest.newBuilder(uri("/v1/chat/completions"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("model=helpdesk&stream=true")).build(), HttpResponse.BodyHandlers.ofString());
        assertOpenAiError(form, 400, null, "could not parse the JSON");
    }

    @Test
    void multipartIsA415AndAnOversizedBodyA413() throws Exception {
        HttpResponse<String> multipart = http.send(HttpRequest.newBuilder(uri("/v1/chat/completions"))
                .header("Content-Type", "multipart/form-data; boundary=x")
                .POST(HttpRequest.BodyPublishers.ofString("--x--")).build(), HttpResponse.BodyHandlers.ofString());
        assertOpenAiError(multipart, 415, "unsupported_media_type", "application/json");

        String huge = chat("helpdesk", false, "x".repeat(70 * 1024));
        assertOpenAiError(postJson("/v1/chat/completions", huge), 413, "request_too_large", "gateway.max-request-size");
    }

    @Test
    @ExtendWith(OutputCaptureExtension.class)
    void promptsAndAnswersAreNotLoggedByDefault(CapturedOutput output) throws Exception {
        DIFY.respondWith(FakeDify.transcript(TRANSCRIPTS.resolve("chat-basic.sse"), Duration.ZERO));
        assertThat(postJson("/v1/chat/completions", chat("helpdesk", true, "my-private-question-7f3e")).statusCode()).isEqualTo(200);
        Thread.sleep(200);
        assertThat(output.getAll()).contains("io.difygateway.access").doesNotContain("my-private-question-7f3e")
                .doesNotContain("Annual plans can be refunded");
    }

    @Test
    void unknownUrlsAndWrongMethodsAreOpenAiErrors() throws Exception {
        HttpResponse<String> unknown = postJson("/v1/completions", "{}");
        assertOpenAiError(unknown, 404, "unknown_url", "POST /v1/completions");
        assertThat(unknown.body()).contains("POST /v1/chat/completions");
        assertOpenAiError(get("/v1/chat/completions"), 405, "method_not_allowed", "GET /v1/chat/completions");
    }

    @Test
    void modelsAreListedInOpenAiFormat() throws Exception {
        HttpResponse<String> response = get("/v1/models");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
        JsonNode body = json(response.body());
        assertThat(body.get("object").asText()).isEqualTo("list");
        assertThat(body.get("data").findValuesAsText("id")).containsExactly("helpdesk", "agent", "flow", "offline", "summarize", "writer", "strict", "vision", "slowinfo", "oneshot", "tasks", "voice", "concierge", "patient", "vllm", "local",
                "claude", "claude-tuned", "vllm-muted", "azure", "azure-prod");
        JsonNode helpdesk = body.get("data").get(0);
        assertThat(helpdesk.get("object").asText()).isEqualTo("model");
        assertThat(helpdesk.get("owned_by").asText()).isEqualTo("dify");
        assertThat(helpdesk.get("name").asText()).isEqualTo("IT Helpdesk");
        assertThat(helpdesk.get("created").asLong()).isPositive();
        assertThat(response.body()).doesNotContain("secret").doesNotContain("127.0.0.1");

        HttpResponse<String> one = get("/v1/models/agent");
        assertThat(one.statusCode()).isEqualTo(200);
        assertThat(json(one.body()).get("id").asText()).isEqualTo("agent");
        assertOpenAiError(get("/v1/models/unknown"), 404, "model_not_found", "'unknown'");
    }

    @Test
    void clientToolsAreLeftOutForDifyAndCountedOrRefusedAsTheModelSays() throws Exception {
        String tools = "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"get_current_timestamp\",\"parameters\":{\"type\":\"object\"}}}]";
        DIFY.respondWith(FakeDify.stream(List.of(FakeDify.messageFrame("t1", "It is noon."), FakeDify.messageEndFrame("t1")), Duration.ZERO));
        HttpResponse<String> answered = postJson("/v1/chat/completions",
                "{\"model\":\"helpdesk\",\"stream\":false," + tools + ",\"messages\":[{\"role\":\"user\",\"content\":\"Time?\"}]}");
        assertThat(answered.statusCode()).as(answered.body()).isEqualTo(200);
        assertThat(DIFY.lastChatRequest().body()).doesNotContain("get_current_timestamp");
        assertThat(meters.get("gateway.tools.ignored").tag("model", "helpdesk").counter().count()).isPositive();

        int calls = DIFY.chatRequests().size();
        HttpResponse<String> refused = postJson("/v1/chat/completions",
                "{\"model\":\"oneshot\",\"stream\":true," + tools + ",\"messages\":[{\"role\":\"user\",\"content\":\"Time?\"}]}");
        assertOpenAiError(refused, 400, "tools_not_supported", "cannot call the client's tools");
        assertThat(JSON.readTree(refused.body()).at("/error/param").asText()).isEqualTo("tools");
        assertThat(DIFY.chatRequests()).as("Dify was not called").hasSize(calls);
        DIFY.respondWith(FakeDify.stream(List.of(FakeDify.messageFrame("t2", "Noon."), FakeDify.messageEndFrame("t2")), Duration.ZERO));
        assertThat(postJson("/v1/chat/completions", "{\"model\":\"oneshot\",\"tools\":[],\"messages\":[{\"role\":\"user\",\"content\":\"Time?\"}]}")
                .statusCode()).as("an empty tools list is no tools").isEqualTo(200);
    }

    static void assertOpenAiError(HttpResponse<String> response, int status, String code, String messagePart) throws IOException {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
        JsonNode error = JSON.readTree(response.body()).get("error");
        assertThat(error).as(response.body()).isNotNull();
        assertThat(error.has("type") && error.has("param") && error.has("code") && error.has("message")).isTrue();
        assertThat(error.get("code").isNull() ? null : error.get("code").asText()).isEqualTo(code);
        assertThat(error.get("message").asText()).contains(messagePart);
        assertThat(response.body()).doesNotContain("Exception").doesNotContain("at io.");
    }
}

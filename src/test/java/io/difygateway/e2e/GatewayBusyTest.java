package io.difygateway.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.difygateway.support.FakeDify;
import io.difygateway.support.StandaloneGateway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Platform request threads (Java 17's model) all held by open streams: the next request is a retryable 503. */
class GatewayBusyTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static StandaloneGateway gateway;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws IOException {
        gateway = new StandaloneGateway("spring.threads.virtual.enabled=false", "spring.task.execution.pool.core-size=1",
                "spring.task.execution.pool.max-size=1");
    }

    @AfterAll
    static void stop() {
        if (gateway != null) {
            gateway.close();
        }
    }

    @Test
    void theRequestAfterTheLastFreeThreadGetsA503ServerBusy() throws Exception {
        FakeDify dify = gateway.dify();
        dify.respondWith(FakeDify.transcript(Path.of("src/test/resources/transcripts/dify/chat-basic.sse"), Duration.ofMillis(300)));
        CompletableFuture<HttpResponse<String>> open = http.sendAsync(gateway.streamedChat(), HttpResponse.BodyHandlers.ofString());
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (dify.chatRequests().isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(dify.chatRequests()).as("the first stream is open").hasSize(1);

        HttpResponse<String> refused = http.send(gateway.streamedChat(), HttpResponse.BodyHandlers.ofString());
        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(503);
        assertThat(refused.headers().firstValue("Retry-After")).hasValue("1");
        JsonNode error = JSON.readTree(refused.body()).get("error");
        assertThat(error.get("code").asText()).isEqualTo("server_busy");
        assertThat(error.get("type").asText()).isEqualTo("server_error");

        assertThat(open.get(30, TimeUnit.SECONDS).statusCode()).as("the open stream is unharmed").isEqualTo(200);
        assertThat(open.get().body()).endsWith("data: [DONE]\n\n");
    }
}

package io.difygateway.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.difygateway.GatewayApplication;
import io.difygateway.support.FakeDify;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/** Platform request threads (Java 17's model) all held by open streams: the next request is a retryable 503. */
class GatewayBusyTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static FakeDify dify;
    private static ConfigurableApplicationContext gateway;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws IOException {
        dify = new FakeDify();
        gateway = new SpringApplicationBuilder(GatewayApplication.class).run(
                "--spring.config.location=file:config/application.yaml", "--server.port=0", "--gateway.env-model.base-url=",
                "--gateway.models.helpdesk.base-url=" + dify.baseUrl(), "--gateway.models.helpdesk.api-key=app-busy-secret",
                "--spring.threads.virtual.enabled=false", "--spring.task.execution.pool.core-size=1",
                "--spring.task.execution.pool.max-size=1");
    }

    @AfterAll
    static void stop() {
        if (gateway != null) {
            gateway.close();
        }
        if (dify != null) {
            dify.close();
        }
    }

    private HttpRequest chat() {
        String port = gateway.getEnvironment().getProperty("local.server.port");
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/chat/completions"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"helpdesk\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"))
                .build();
    }

    @Test
    void theRequestAfterTheLastFreeThreadGetsA503ServerBusy() throws Exception {
        dify.respondWith(FakeDify.transcript(Path.of("src/test/resources/transcripts/chat-basic.sse"), Duration.ofMillis(300)));
        CompletableFuture<HttpResponse<String>> open = http.sendAsync(chat(), HttpResponse.BodyHandlers.ofString());
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (dify.chatRequests().isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(dify.chatRequests()).as("the first stream is open").hasSize(1);

        HttpResponse<String> refused = http.send(chat(), HttpResponse.BodyHandlers.ofString());
        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(503);
        assertThat(refused.headers().firstValue("Retry-After")).hasValue("1");
        JsonNode error = JSON.readTree(refused.body()).get("error");
        assertThat(error.get("code").asText()).isEqualTo("server_busy");
        assertThat(error.get("type").asText()).isEqualTo("server_error");

        assertThat(open.get(30, java.util.concurrent.TimeUnit.SECONDS).statusCode()).as("the open stream is unharmed").isEqualTo(200);
        assertThat(open.get().body()).endsWith("data: [DONE]\n\n");
    }
}

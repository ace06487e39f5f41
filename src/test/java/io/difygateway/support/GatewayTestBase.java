package io.difygateway.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Runs the whole gateway on a random port (the committed config/application.yaml and routes/ folder, nothing
 * else from config/) in front of one shared {@link FakeDify}, with these models:
 * {@code helpdesk} (chat), {@code agent} (agent-chat), {@code flow} (advanced-chat, with fixed inputs) and
 * {@code offline} (a Dify that refuses connections). All test classes share one Spring context.
 */
@CamelSpringBootTest
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "spring.config.location=file:config/application.yaml",
        "gateway.env-model.base-url=",
        "gateway.upstream.event-timeout=2s",
        "gateway.upstream.connect-timeout=2s",
        "gateway.default-user=gateway-test-user",
        "gateway.max-request-size=64KB",
})
public abstract class GatewayTestBase {

    public static final String HELPDESK_KEY = "app-helpdesk-secret-0123456789";
    public static final FakeDify DIFY = startDify();

    @LocalServerPort
    protected int port;

    protected final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @DynamicPropertySource
    static void models(DynamicPropertyRegistry registry) {
        registry.add("gateway.models.helpdesk.base-url", DIFY::baseUrl);
        registry.add("gateway.models.helpdesk.api-key", () -> HELPDESK_KEY);
        registry.add("gateway.models.helpdesk.app-type", () -> "chat");
        registry.add("gateway.models.helpdesk.display-name", () -> "IT Helpdesk");
        registry.add("gateway.models.agent.base-url", DIFY::baseUrl);
        registry.add("gateway.models.agent.api-key", () -> "app-agent-secret");
        registry.add("gateway.models.agent.app-type", () -> "agent-chat");
        registry.add("gateway.models.flow.base-url", DIFY::baseUrl);
        registry.add("gateway.models.flow.api-key", () -> "app-flow-secret");
        registry.add("gateway.models.flow.app-type", () -> "advanced-chat");
        registry.add("gateway.models.flow.inputs.department", () -> "sales");
        registry.add("gateway.models.offline.base-url", () -> "http://127.0.0.1:9/v1");
        registry.add("gateway.models.offline.api-key", () -> "app-offline-secret");
    }

    private static FakeDify startDify() {
        try {
            return new FakeDify();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    protected URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    protected HttpResponse<String> postJson(String path, String body) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    protected HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(uri(path)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A chat request body with one user message. */
    protected static String chat(String model, boolean stream, String message) {
        return "{\"model\":\"" + model + "\",\"stream\":" + stream + ",\"messages\":[{\"role\":\"user\",\"content\":\""
                + message + "\"}]}";
    }
}

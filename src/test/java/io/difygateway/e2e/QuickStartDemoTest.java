package io.difygateway.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.difygateway.support.OpenAiStreams;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/** A fresh checkout with no Dify configured: the README's quick-start curl streams the demo model's answer. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "spring.config.location=file:config/application.yaml",
        "gateway.env-model.base-url=",
        "gateway.demo.word-delay=1ms",
})
class QuickStartDemoTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @LocalServerPort
    int port;

    private final HttpClient http = HttpClient.newHttpClient();

    private HttpResponse<String> post(String path, String body, String... headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (headers.length > 0) {
            request.headers(headers);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void theDemoModelIsListedAndStreamsThroughTheDifyPath() throws Exception {
        JsonNode models = JSON.readTree(http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/models")).build(),
                HttpResponse.BodyHandlers.ofString()).body());
        assertThat(models.get("data").findValuesAsText("id")).containsExactly("demo");

        // exactly the README's curl: no Content-Type header, so curl sends a form content type
        HttpResponse<String> response = post("/v1/chat/completions",
                "{\"model\":\"demo\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"Hello gateway\"}]}",
                "Content-Type", "application/x-www-form-urlencoded");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/event-stream"));
        List<JsonNode> chunks = OpenAiStreams.chunks(response.body());
        assertThat(chunks.size()).isGreaterThan(20);
        assertThat(OpenAiStreams.content(chunks)).startsWith("Hello! I am the demo model").contains("You said: \"Hello gateway\"");
        assertThat(response.body()).endsWith("data: [DONE]\n\n");
    }

    @Test
    void theDemoAppItselfOnlyAcceptsTheGatewaysKey() throws Exception {
        HttpResponse<String> response = post("/demo/dify/v1/chat-messages", "{\"query\":\"hi\",\"user\":\"u\",\"inputs\":{}}",
                "Authorization", "Bearer app-guess", "Content-Type", "application/json");
        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(JSON.readTree(response.body()).get("code").asText()).isEqualTo("unauthorized");
    }
}

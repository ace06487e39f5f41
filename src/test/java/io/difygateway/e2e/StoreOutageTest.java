package io.difygateway.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.difygateway.support.StandaloneGateway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The Redis store is down: requests that need it get a retryable 503 naming the store, and Dify is never called. */
class StoreOutageTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CLIENT_KEY = "sk-gw-outage-5d1f9c3a7e2b";

    private static StandaloneGateway gateway;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws IOException {
        gateway = new StandaloneGateway("gateway.auth.keys[0].name=metered", "gateway.auth.keys[0].key=" + CLIENT_KEY,
                "gateway.auth.keys[0].requests-per-minute=100",
                "gateway.conversations.store=redis", "spring.data.redis.host=127.0.0.1",
                "spring.data.redis.port=" + closedPort(), "spring.data.redis.timeout=2s");
    }

    @AfterAll
    static void stop() {
        if (gateway != null) {
            gateway.close();
        }
    }

    @Test
    void aStreamedRequestGetsA503StoreUnavailableBeforeTheStreamStarts() throws Exception {
        HttpResponse<String> response = http.send(gateway.streamedChat("Authorization", "Bearer " + CLIENT_KEY),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(503);
        assertThat(response.headers().firstValue("Retry-After")).hasValue("1");
        JsonNode error = JSON.readTree(response.body()).get("error");
        assertThat(error.get("code").asText()).isEqualTo("store_unavailable");
        assertThat(error.get("message").asText()).contains("gateway.conversations.store").doesNotContain("helpdesk'");
        assertThat(gateway.dify().chatRequests()).isEmpty();
    }

    private static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}

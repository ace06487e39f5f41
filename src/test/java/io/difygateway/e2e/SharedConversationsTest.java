package io.difygateway.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.difygateway.GatewayApplication;
import io.difygateway.identity.EndUserResolverTestTokens;
import io.difygateway.support.ConversationalDify;
import io.difygateway.support.FakeDify;
import io.difygateway.support.RedisServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Two gateway instances behind a (pretend) load balancer share conversations through a real Redis; users come
 * from Open WebUI's signed user header, verified by both.
 */
class SharedConversationsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SECRET = "shared-forwarding-secret";
    private static final String CLIENT_KEY = "sk-gw-shared-3c9e1a7f5b2d8e4a";
    private static final String METERED_KEY = "sk-gw-shared-metered-8a1c5e9b";

    private static RedisServer redis;
    private static FakeDify dify;
    private static ConversationalDify conversations;
    private static final List<ConfigurableApplicationContext> instances = new ArrayList<>();
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws Exception {
        redis = RedisServer.startOrSkip();
        dify = new FakeDify();
        conversations = new ConversationalDify();
        dify.respondWith(conversations);
        for (int i = 0; i < 2; i++) {
            List<String> properties = new ArrayList<>(List.of("spring.config.location=file:config/application.yaml", "server.port=0",
                    "gateway.env-model.base-url=", "gateway.models.helpdesk.base-url=" + dify.baseUrl(),
                    "gateway.models.helpdesk.api-key=app-shared-secret", "gateway.identity.jwt-secret=" + SECRET,
                    "gateway.auth.keys[0].name=open-webui", "gateway.auth.keys[0].key=" + CLIENT_KEY,
                    "gateway.auth.keys[1].name=metered", "gateway.auth.keys[1].key=" + METERED_KEY,
                    "gateway.auth.keys[1].requests-per-minute=3",
                    "spring.application.name=instance-" + i));
            properties.addAll(redis.gatewayProperties());
            instances.add(new SpringApplicationBuilder(GatewayApplication.class)
                    .run(properties.stream().map(property -> "--" + property).toArray(String[]::new)));
        }
    }

    @AfterAll
    static void stop() {
        instances.forEach(ConfigurableApplicationContext::close);
        if (dify != null) {
            dify.close();
        }
        if (redis != null) {
            redis.close();
        }
    }

    private HttpResponse<String> send(int instance, String jwt, String messages) throws Exception {
        return send(instance, CLIENT_KEY, jwt, messages);
    }

    private HttpResponse<String> send(int instance, String key, String jwt, String messages) throws Exception {
        String port = instances.get(instance).getEnvironment().getProperty("local.server.port");
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/chat/completions"))
                .header("Content-Type", "application/json").header("X-OpenWebUI-User-Jwt", jwt).header("Authorization", "Bearer " + key)
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"helpdesk\",\"messages\":" + messages + "}")).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aConversationStartedOnOneInstanceContinuesOnTheOther() throws Exception {
        String jwt = EndUserResolverTestTokens.valid(SECRET, "user-8f6b");
        HttpResponse<String> first = send(0, jwt, "[{\"role\":\"user\",\"content\":\"Q1\"}]");
        assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
        String answer = JSON.readTree(first.body()).at("/choices/0/message/content").asText();
        JsonNode firstCall = JSON.readTree(dify.lastChatRequest().body());
        assertThat(firstCall.get("user").asText()).isEqualTo("user-8f6b");

        HttpResponse<String> second = send(1, jwt, "[{\"role\":\"user\",\"content\":\"Q1\"},{\"role\":\"assistant\",\"content\":\""
                + answer + "\"},{\"role\":\"user\",\"content\":\"Q2\"}]");
        assertThat(second.statusCode()).as(second.body()).isEqualTo(200);
        JsonNode secondCall = JSON.readTree(dify.lastChatRequest().body());
        assertThat(secondCall.get("conversation_id").asText()).as("instance 2 continues instance 1's conversation").isNotBlank();
        assertThat(secondCall.get("query").asText()).isEqualTo("Q2");
        assertThat(conversations.queries(secondCall.get("conversation_id").asText())).hasSize(2);
    }

    @Test
    void aKeysRequestsPerMinuteHoldAcrossInstances() throws Exception {
        String jwt = EndUserResolverTestTokens.valid(SECRET, "user-metered");
        List<Integer> statuses = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            statuses.add(send(i % 2, METERED_KEY, jwt, "[{\"role\":\"user\",\"content\":\"Q" + i + "\"}]").statusCode());
        }
        // three per minute in all: the one-minute window may turn over once during the loop
        assertThat(statuses.stream().filter(status -> status == 429).count()).as(statuses.toString()).isBetween(1L, 2L);
        assertThat(statuses.subList(0, 3)).as("the first three pass, on either instance").doesNotContain(429).hasSize(3);
    }

    @Test
    void aForgedUserHeaderIsRejectedByEveryInstance() throws Exception {
        String forged = EndUserResolverTestTokens.valid("not-the-secret", "admin");
        for (int instance = 0; instance < 2; instance++) {
            HttpResponse<String> response = send(instance, forged, "[{\"role\":\"user\",\"content\":\"hi\"}]");
            assertThat(response.statusCode()).isEqualTo(401);
            assertThat(JSON.readTree(response.body()).at("/error/code").asText()).isEqualTo("invalid_user_token");
        }
    }
}

package io.difygateway.demo;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.difygateway.config.GatewayProperties;
import io.difygateway.config.ModelRegistry;
import jakarta.servlet.http.HttpServletResponse;
import org.apache.camel.Body;
import org.apache.camel.Exchange;
import org.apache.camel.Header;
import org.springframework.stereotype.Component;

/**
 * A tiny Dify chat app built into the gateway for the quick start: it answers {@code POST /chat-messages}
 * with a canned answer streamed word by word in Dify's exact event-stream format, and honours
 * {@code POST /chat-messages/{task_id}/stop}. The {@code demo} model reaches it through the real Dify path.
 */
@Component("demoDifyApp")
public class DemoDifyApp {

    private static final String MARKER = "### Current message\n";

    private final ObjectMapper json;
    private final Clock clock;
    private final ModelRegistry registry;
    private final Duration wordDelay;
    private final Set<String> stopped = ConcurrentHashMap.newKeySet();

    public DemoDifyApp(ObjectMapper json, ModelRegistry registry, GatewayProperties properties, Clock clock) {
        this.clock = clock;
        this.json = json;
        this.registry = registry;
        this.wordDelay = properties.getDemo().getWordDelay();
    }

    /** {@code POST /chat-messages}: streams the demo answer to the response. */
    public void chatMessages(@Body String body, @Header("Authorization") String authorization,
                             @Header(Exchange.HTTP_SERVLET_RESPONSE) HttpServletResponse response) throws IOException {
        if (!authorized(authorization, response)) {
            return;
        }
        JsonNode request = json.readTree(body == null || body.isBlank() ? "{}" : body);
        String user = request.path("user").asText("");
        String query = request.path("query").asText("");
        if (user.isBlank()) {
            error(response, 400, "invalid_param", "Arg user must be provided.");
            return;
        }
        if (query.isBlank()) {
            error(response, 400, "invalid_param", "query is required");
            return;
        }
        String taskId = UUID.randomUUID().toString();
        Map<String, Object> prefix = new LinkedHashMap<>();
        prefix.put("conversation_id", UUID.randomUUID().toString());
        prefix.put("message_id", UUID.randomUUID().toString());
        prefix.put("created_at", clock.instant().getEpochSecond());
        prefix.put("task_id", taskId);

        response.setStatus(200);
        response.setContentType("text/event-stream; charset=utf-8");
        OutputStream out = response.getOutputStream();
        String answer = answer(query);
        boolean warmUp = warmingUp(authorization);
        String[] words = answer.split("(?<= )");
        try {
            for (String word : words) {
                if (stopped.remove(taskId)) {
                    break;
                }
                Map<String, Object> frame = frame("message", prefix);
                frame.put("id", prefix.get("message_id"));
                frame.put("answer", word);
                frame.put("from_variable_selector", null);
                send(out, frame);
                if (!warmUp) {
                    pause();
                }
            }
            Map<String, Object> end = frame("message_end", prefix);
            end.put("id", prefix.get("message_id"));
            int promptWords = query.split("\\s+").length;
            end.put("metadata", Map.of("retriever_resources", List.of(), "usage", Map.of(
                    "prompt_tokens", promptWords, "completion_tokens", words.length,
                    "total_tokens", promptWords + words.length, "currency", "USD", "total_price", "0")));
            end.put("files", null);
            send(out, end);
        } finally {
            stopped.remove(taskId);
        }
    }

    /** {@code GET /info} and {@code GET /parameters}: what the demo app says about itself. */
    public void about(@Header("resource") String resource, @Header("Authorization") String authorization,
                      @Header(Exchange.HTTP_SERVLET_RESPONSE) HttpServletResponse response) throws IOException {
        if (!authorized(authorization, response)) {
            return;
        }
        String body = switch (resource) {
            case "info" -> "{\"name\": \"Demo\", \"description\": \"The demo app built into dify-openai-gateway\", "
                    + "\"tags\": [], \"mode\": \"chat\"}";
            case "parameters" -> "{\"opening_statement\": \"\", \"user_input_form\": [], \"file_upload\": {\"enabled\": false}}";
            default -> null;
        };
        if (body == null) {
            error(response, 404, "not_found", "The requested URL was not found on the server.");
            return;
        }
        response.setStatus(200);
        response.setContentType("application/json");
        response.getOutputStream().write((body + "\n").getBytes(StandardCharsets.UTF_8));
        response.flushBuffer();
    }

    /** {@code POST /chat-messages/{task_id}/stop}: ends that stream early, as Dify does. */
    public void stop(@Header("taskId") String taskId, @Header("Authorization") String authorization,
                     @Header(Exchange.HTTP_SERVLET_RESPONSE) HttpServletResponse response) throws IOException {
        if (!authorized(authorization, response)) {
            return;
        }
        stopped.add(taskId);
        response.setStatus(200);
        response.setContentType("application/json");
        response.getOutputStream().write("{\"result\": \"success\"}\n".getBytes(StandardCharsets.UTF_8));
        response.flushBuffer();
    }

    private boolean authorized(String authorization, HttpServletResponse response) throws IOException {
        if (warmingUp(authorization)) {
            return true;
        }
        if (!registry.isDemoEnabled()) {
            error(response, 404, "not_found", "The demo app is disabled (gateway.demo.enabled).");
            return false;
        }
        if (!("Bearer " + registry.demoApiKey()).equals(authorization)) {
            error(response, 401, "unauthorized", "Access token is invalid");
            return false;
        }
        return true;
    }

    /** The start-up warm-up's requests come with its own key (random per start), also when the demo model is off. */
    private boolean warmingUp(String authorization) {
        return ("Bearer " + registry.warmUpAppKey()).equals(authorization);
    }

    static String answer(String query) {
        int marker = query.lastIndexOf(MARKER);
        String question = (marker >= 0 ? query.substring(marker + MARKER.length()) : query).strip().replaceAll("\\s+", " ");
        if (question.length() > 160) {
            question = question.substring(0, 157) + "...";
        }
        return "Hello! I am the demo model built into dify-openai-gateway. This answer came from a small Dify-compatible "
                + "app inside the gateway and streamed through the same path as a real Dify app: Dify events, split as they "
                + "arrive and translated into OpenAI chunks. You said: \"" + question + "\". To talk to your own Dify app, "
                + "set DIFY_BASE_URL and DIFY_API_KEY and restart the gateway.";
    }

    private static Map<String, Object> frame(String event, Map<String, Object> prefix) {
        Map<String, Object> frame = new LinkedHashMap<>();
        frame.put("event", event);
        frame.putAll(prefix);
        return frame;
    }

    private void send(OutputStream out, Map<String, Object> frame) throws IOException {
        out.write(("data: " + json.writeValueAsString(frame) + "\n\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    private void error(HttpServletResponse response, int status, String code, String message) throws IOException {
        response.setStatus(status);
        response.setContentType("application/json");
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("code", code);
        body.put("message", message);
        body.put("status", status);
        response.getOutputStream().write((json.writeValueAsString(body) + "\n").getBytes(StandardCharsets.UTF_8));
        response.flushBuffer();
    }

    private void pause() {
        try {
            Thread.sleep(wordDelay.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

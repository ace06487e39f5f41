package io.difygateway.support;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;

/**
 * A {@link FakeDify.Responder} that keeps conversations like Dify: a request without {@code conversation_id} opens
 * one; a {@code conversation_id} that is unknown, deleted or another user's is a 404 "Conversation Not Exists.";
 * every answer streams with the conversation's id. It records the queries each conversation received.
 */
public final class ConversationalDify implements FakeDify.Responder {

    private static final ObjectMapper JSON = new ObjectMapper();

    private record Owned(String user, List<String> queries) {
    }

    private final Map<String, Owned> conversations = new ConcurrentHashMap<>();

    /** The queries a conversation received, in order. */
    public List<String> queries(String conversationId) {
        Owned owned = conversations.get(conversationId);
        return owned == null ? List.of() : List.copyOf(owned.queries());
    }

    /** Deletes a conversation, as a Dify user could in the Dify web app. */
    public void delete(String conversationId) {
        conversations.remove(conversationId);
    }

    public int count() {
        return conversations.size();
    }

    @Override
    public void respond(HttpExchange exchange, FakeDify dify) throws IOException {
        JsonNode request = JSON.readTree(dify.lastChatRequest().body());
        String user = request.path("user").asText("");
        String query = request.path("query").asText("");
        String conversationId = request.path("conversation_id").asText("");
        Owned owned;
        if (conversationId.isEmpty()) {
            conversationId = UUID.randomUUID().toString();
            owned = new Owned(user, new ArrayList<>());
            conversations.put(conversationId, owned);
        } else {
            owned = conversations.get(conversationId);
            if (owned == null || !owned.user().equals(user)) {
                FakeDify.error(404, "{\"code\": \"not_found\", \"message\": \"Conversation Not Exists.\", \"status\": 404}\n", Map.of())
                        .respond(exchange, dify);
                return;
            }
        }
        synchronized (owned) {
            owned.queries().add(query);
        }
        String answer = "Answer " + owned.queries().size() + " in conversation.";
        exchange.getResponseHeaders().add("Content-Type", "text/event-stream; charset=utf-8");
        exchange.sendResponseHeaders(200, 0);
        OutputStream out = exchange.getResponseBody();
        String taskId = UUID.randomUUID().toString();
        for (String word : answer.split("(?<= )")) {
            out.write(frame("message", conversationId, taskId, "answer", word));
            out.flush();
        }
        ObjectNode end = JSON.createObjectNode();
        end.putObject("usage").put("prompt_tokens", 10).put("completion_tokens", 4).put("total_tokens", 14);
        out.write(frame("message_end", conversationId, taskId, "metadata", end));
        out.flush();
    }

    private static byte[] frame(String event, String conversationId, String taskId, String field, Object value) throws IOException {
        ObjectNode frame = JSON.createObjectNode();
        frame.put("event", event).put("conversation_id", conversationId).put("message_id", "m-" + taskId)
                .put("created_at", 1784711000).put("task_id", taskId);
        frame.set(field, JSON.valueToTree(value));
        return ("data: " + JSON.writeValueAsString(frame) + "\n\n").getBytes(StandardCharsets.UTF_8);
    }
}

package io.difygateway.conversation;

import java.util.Optional;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.difygateway.identity.Caller;
import org.springframework.stereotype.Component;

/**
 * Keeps the responses of {@code POST /v1/responses} (with {@code store} not false) in the conversation store, with its
 * time to live: the response object for {@code GET /v1/responses/{id}}, the conversation so far (as chat messages,
 * ending with the answer) for a stateless backend to replay after {@code previous_response_id}, and the Dify
 * conversation it ran in, which the next response continues exactly. Each belongs to the client key that made it:
 * another key finds nothing.
 */
@Component("storedResponses")
public class StoredResponses {

    private final ConversationStore store;
    private final ObjectMapper json;

    public StoredResponses(ConversationStore store, ObjectMapper json) {
        this.store = store;
        this.json = json;
    }

    /**
     * A stored response.
     *
     * @param response       the response object
     * @param conversation   the chat messages up to and including its answer
     * @param conversationId the backend conversation it ran in (Dify's), or null
     */
    public record Stored(ObjectNode response, ArrayNode conversation, String conversationId) {
    }

    /** The caller's stored response of this id; empty when there is none, it expired, or it is another key's. */
    public Optional<Stored> find(String id, Caller caller) {
        return store.findResponse(id).map(this::read).filter(document -> caller.label().equals(document.path("owner").asText()))
                .map(document -> new Stored((ObjectNode) document.get("response"), (ArrayNode) document.get("conversation"),
                        document.path("conversationId").isTextual() ? document.get("conversationId").asText() : null));
    }

    /**
     * Stores a finished response: the conversation of its request plus its answer (the text, and the tool calls of its
     * function_call items), and the backend conversation it ran in.
     */
    public void save(ObjectNode response, ArrayNode conversation, String conversationId, Caller caller) {
        ArrayNode withAnswer = conversation.deepCopy();
        ObjectNode answer = withAnswer.addObject().put("role", "assistant");
        StringBuilder text = new StringBuilder();
        ArrayNode toolCalls = json.createArrayNode();
        for (JsonNode item : response.path("output")) {
            if ("message".equals(item.path("type").asText())) {
                item.path("content").forEach(part -> text.append(part.path("text").asText("")));
            } else if ("function_call".equals(item.path("type").asText())) {
                ObjectNode call = toolCalls.addObject().put("id", item.path("call_id").asText()).put("type", "function");
                call.putObject("function").put("name", item.path("name").asText()).put("arguments", item.path("arguments").asText());
            }
        }
        answer.put("content", text.toString());
        if (!toolCalls.isEmpty()) {
            answer.set("tool_calls", toolCalls);
        }
        ObjectNode document = json.createObjectNode().put("owner", caller.label());
        document.put("conversationId", conversationId);
        document.set("conversation", withAnswer);
        document.set("response", response);
        store.saveResponse(response.path("id").asText(), write(document));
    }

    /** Deletes the caller's stored response; false when it has none of this id. */
    public boolean delete(String id, Caller caller) {
        if (find(id, caller).isEmpty()) {
            return false;
        }
        store.removeResponse(id);
        return true;
    }

    private JsonNode read(String document) {
        try {
            return json.readTree(document);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a stored response is not JSON", e);
        }
    }

    private String write(JsonNode document) {
        try {
            return json.writeValueAsString(document);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise a stored response", e);
        }
    }
}

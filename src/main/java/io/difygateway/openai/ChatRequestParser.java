package io.difygateway.openai;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.springframework.stereotype.Component;

/**
 * Translates the JSON body of {@code POST /v1/chat/completions} into a {@link ChatCompletionRequest},
 * or fails with a 400 {@link OpenAiException} that names the offending field.
 */
@Component("chatRequestParser")
public class ChatRequestParser {

    private static final Set<String> ROLES = Set.of("system", "developer", "user", "assistant", "tool", "function");

    private final ObjectMapper json;

    public ChatRequestParser(ObjectMapper json) {
        this.json = json;
    }

    /** Parses and validates a request body. */
    public ChatCompletionRequest parse(String body) {
        JsonNode root = readObject(body);
        String model = requiredString(root, "model", "you must provide a model parameter");
        List<ChatMessage> messages = messages(root.get("messages"));
        boolean stream = optionalBoolean(root, "stream");
        boolean includeUsage = false;
        JsonNode streamOptions = root.get("stream_options");
        if (streamOptions != null && !streamOptions.isNull()) {
            if (!streamOptions.isObject()) {
                throw OpenAiException.invalidRequest("stream_options", "'stream_options' must be an object.");
            }
            includeUsage = optionalBoolean(streamOptions, "include_usage", "stream_options.include_usage");
        }
        JsonNode user = root.get("user");
        // Open WebUI sends an object here for Pipelines models; only a string identifies an end user.
        String userId = user != null && user.isTextual() && !user.asText().isBlank() ? user.asText() : null;
        return new ChatCompletionRequest(model, messages, stream, includeUsage, userId);
    }

    private JsonNode readObject(String body) {
        if (body == null || body.isBlank()) {
            throw OpenAiException.invalidRequest(null,
                    "The request body is empty. Send a JSON object such as {\"model\": \"...\", \"messages\": [...]}.");
        }
        JsonNode root;
        try {
            root = json.readTree(body);
        } catch (JsonProcessingException e) {
            throw OpenAiException.invalidRequest(null, "We could not parse the JSON body of your request: "
                    + e.getOriginalMessage() + " (line " + e.getLocation().getLineNr()
                    + ", column " + e.getLocation().getColumnNr() + ").");
        }
        if (root == null || !root.isObject()) {
            throw OpenAiException.invalidRequest(null, "The request body must be a JSON object.");
        }
        return root;
    }

    private static String requiredString(JsonNode root, String field, String missingMessage) {
        JsonNode node = root.get(field);
        if (node == null || node.isNull()) {
            throw OpenAiException.invalidRequest(field, missingMessage);
        }
        if (!node.isTextual()) {
            throw OpenAiException.invalidRequest(field, "'" + field + "' must be a string, got " + describe(node) + ".");
        }
        if (node.asText().isBlank()) {
            throw OpenAiException.invalidRequest(field, "'" + field + "' must not be empty.");
        }
        return node.asText();
    }

    private static boolean optionalBoolean(JsonNode root, String field) {
        return optionalBoolean(root, field, field);
    }

    private static boolean optionalBoolean(JsonNode parent, String field, String param) {
        JsonNode node = parent.get(field);
        if (node == null || node.isNull()) {
            return false;
        }
        if (!node.isBoolean()) {
            throw OpenAiException.invalidRequest(param, "'" + param + "' must be a boolean, got " + describe(node) + ".");
        }
        return node.booleanValue();
    }

    private static List<ChatMessage> messages(JsonNode node) {
        if (node == null || node.isNull()) {
            throw OpenAiException.invalidRequest("messages", "you must provide a messages parameter");
        }
        if (!node.isArray()) {
            throw OpenAiException.invalidRequest("messages", "'messages' must be an array, got " + describe(node) + ".");
        }
        if (node.isEmpty()) {
            throw OpenAiException.invalidRequest("messages", "'messages' must contain at least one message.");
        }
        List<ChatMessage> messages = new ArrayList<>(node.size());
        for (int i = 0; i < node.size(); i++) {
            messages.add(message(node.get(i), "messages[" + i + "]"));
        }
        int lastUser = ChatCompletionRequest.lastUserIndex(messages);
        if (lastUser < 0) {
            throw OpenAiException.invalidRequest("messages", "'messages' must contain at least one message with role 'user'.");
        }
        if (messages.get(lastUser).text().isBlank()) {
            throw OpenAiException.invalidRequest("messages",
                    "The last user message has no text. Only text content is supported by this model.");
        }
        return messages;
    }

    private static ChatMessage message(JsonNode node, String param) {
        if (!node.isObject()) {
            throw OpenAiException.invalidRequest(param, "'" + param + "' must be an object, got " + describe(node) + ".");
        }
        JsonNode roleNode = node.get("role");
        if (roleNode == null || !roleNode.isTextual()) {
            throw OpenAiException.invalidRequest(param + ".role", "'" + param + ".role' must be a string.");
        }
        String role = roleNode.asText();
        if (!ROLES.contains(role)) {
            throw OpenAiException.invalidRequest(param + ".role", "'" + param + ".role' must be one of "
                    + String.join(", ", ROLES.stream().sorted().toList()) + "; got '" + role + "'.");
        }
        return new ChatMessage(role, text(node.get("content"), param + ".content"));
    }

    /** The text of a message: a string, or the text parts of a parts array joined by blank lines. */
    private static String text(JsonNode content, String param) {
        if (content == null || content.isNull()) {
            return "";
        }
        if (content.isTextual()) {
            return content.asText();
        }
        if (!content.isArray()) {
            throw OpenAiException.invalidRequest(param, "'" + param + "' must be a string or an array of content parts, got "
                    + describe(content) + ".");
        }
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < content.size(); i++) {
            JsonNode part = content.get(i);
            String partParam = param + "[" + i + "]";
            if (!part.isObject() || !part.path("type").isTextual()) {
                throw OpenAiException.invalidRequest(partParam, "'" + partParam + "' must be an object with a string 'type'.");
            }
            if ("text".equals(part.get("type").asText())) {
                JsonNode partText = part.get("text");
                if (partText == null || !partText.isTextual()) {
                    throw OpenAiException.invalidRequest(partParam + ".text", "'" + partParam + ".text' must be a string.");
                }
                if (!text.isEmpty()) {
                    text.append("\n\n");
                }
                text.append(partText.asText());
            }
            // image_url, input_audio and file parts are not forwarded yet; their text neighbours still are
        }
        return text.toString();
    }

    private static String describe(JsonNode node) {
        return switch (node.getNodeType()) {
            case ARRAY -> "an array";
            case OBJECT -> "an object";
            case STRING -> "a string";
            case NUMBER -> "a number";
            case BOOLEAN -> "a boolean";
            default -> node.getNodeType().name().toLowerCase();
        };
    }
}

package io.difygateway.frontdoor;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.difygateway.errors.OpenAiException;
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
        return parse(readObject(body));
    }

    /** Validates a request already read as a JSON object (one translated from another API's request). */
    public ChatCompletionRequest parse(ObjectNode root) {
        RequestFieldChecks.check(root);
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
        return new ChatCompletionRequest(model, messages, stream, includeUsage, userId, root);
    }

    /** The body as a JSON object; a 400 in words when it is empty, not JSON, too deep, or not an object. */
    public ObjectNode readObject(String body) {
        if (body == null || body.isBlank()) {
            throw OpenAiException.invalidRequest(null,
                    "The request body is empty. Send a JSON object such as {\"model\": \"...\", \"messages\": [...]}.");
        }
        JsonNode root;
        try {
            root = json.readTree(body);
        } catch (StreamConstraintsException e) {
            throw OpenAiException.invalidRequest(null, e.getOriginalMessage().startsWith("Document nesting depth")
                    ? "The JSON body is nested too deeply: at most " + json.getFactory().streamReadConstraints().getMaxNestingDepth()
                            + " levels of arrays and objects are accepted."
                    : "The JSON body has a number or string longer than the gateway accepts.");
        } catch (JsonProcessingException e) {
            throw OpenAiException.invalidRequest(null, JsonErrors.describe(e));
        }
        if (root == null || !root.isObject()) {
            throw OpenAiException.invalidRequest(null, "The request body must be a JSON object.");
        }
        return (ObjectNode) root;
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
            throw OpenAiException.invalidRequest("messages", messages.get(lastUser).attachments().isEmpty()
                    ? "The last user message has no text."
                    : "The last user message has only images or files: add a text question to them.");
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
        JsonNode content = node.get("content");
        String contentParam = param + ".content";
        if (content == null || content.isNull()) {
            return new ChatMessage(role, "");
        }
        if (content.isTextual()) {
            return new ChatMessage(role, content.asText());
        }
        if (!content.isArray()) {
            throw OpenAiException.invalidRequest(contentParam, "'" + contentParam
                    + "' must be a string or an array of content parts, got " + describe(content) + ".");
        }
        return parts(role, content, contentParam);
    }

    /** A parts array: text parts joined by blank lines, image and file parts as attachments. */
    private static ChatMessage parts(String role, JsonNode content, String param) {
        StringBuilder text = new StringBuilder();
        List<ChatMessage.Attachment> attachments = new ArrayList<>();
        for (int i = 0; i < content.size(); i++) {
            JsonNode part = content.get(i);
            String partParam = param + "[" + i + "]";
            if (!part.isObject() || !part.path("type").isTextual()) {
                throw OpenAiException.invalidRequest(partParam, "'" + partParam + "' must be an object with a string 'type'.");
            }
            switch (part.get("type").asText()) {
                case "text" -> {
                    if (!text.isEmpty()) {
                        text.append("\n\n");
                    }
                    text.append(requiredText(part, "text", partParam + ".text"));
                }
                case "image_url" -> {
                    JsonNode image = part.get("image_url");
                    // the spec says {"url": ...}; some clients send the URL string itself
                    String url = image != null && image.isTextual() ? image.asText()
                            : requiredText(image == null ? part : image, "url", partParam + ".image_url.url");
                    RequestFieldChecks.attachment(url, true, partParam + ".image_url");
                    attachments.add(new ChatMessage.Attachment(true, url, null));
                }
                case "file" -> {
                    JsonNode file = part.path("file");
                    if (file.hasNonNull("file_id") && !file.hasNonNull("file_data")) {
                        throw OpenAiException.invalidRequest(partParam + ".file.file_id", "'" + partParam
                                + ".file.file_id' refers to OpenAI's Files API, which this gateway does not have: send the file as file_data.");
                    }
                    String data = requiredText(file, "file_data", partParam + ".file.file_data");
                    String filename = file.path("filename").asText(null);
                    String uri = data.startsWith("data:") ? data : "data:application/octet-stream;base64," + data;
                    RequestFieldChecks.attachment(uri, false, partParam + ".file.file_data");
                    attachments.add(new ChatMessage.Attachment(false, uri, filename));
                }
                case "input_audio" -> throw OpenAiException.invalidRequest(partParam,
                        "Audio input is not supported by this gateway; send a transcript as text.");
                default -> { /* unknown part types (refusal, future types) carry nothing to forward */ }
            }
        }
        return new ChatMessage(role, text.toString(), List.copyOf(attachments));
    }

    private static String requiredText(JsonNode parent, String field, String param) {
        JsonNode value = parent == null ? null : parent.get(field);
        if (value == null || !value.isTextual()) {
            throw OpenAiException.invalidRequest(param, "'" + param + "' must be a string.");
        }
        return value.asText();
    }

    private static String describe(JsonNode node) {
        return RequestFieldChecks.describe(node);
    }
}

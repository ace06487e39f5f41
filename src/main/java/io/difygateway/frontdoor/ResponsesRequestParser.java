package io.difygateway.frontdoor;

import java.time.Clock;
import java.util.Set;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.difygateway.errors.OpenAiException;
import org.springframework.stereotype.Component;

/**
 * Translates the JSON body of {@code POST /v1/responses} into the chat-completions request every backend serves, and
 * the shell of the {@code response} object it answers with: {@code instructions} → a system message, {@code input} (a
 * string, or {@code message} items with {@code input_text}/{@code output_text}/{@code input_image}/{@code input_file}
 * parts, {@code function_call} and {@code function_call_output} items) → messages after the stored history of
 * {@code previous_response_id}, {@code max_output_tokens} → {@code max_tokens}, flat function tools → chat tools,
 * {@code text.format} → {@code response_format}, {@code reasoning.effort} → {@code reasoning_effort}. What no backend
 * could do is a 400 naming the field: built-in tool types, {@code background}, items by reference.
 */
@Component("responsesRequestParser")
public class ResponsesRequestParser {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final Set<String> MESSAGE_ROLES = Set.of("user", "assistant", "system", "developer");

    private final ChatRequestParser chat;
    private final Clock clock;

    public ResponsesRequestParser(ChatRequestParser chat, Clock clock) {
        this.chat = chat;
        this.clock = clock;
    }

    /**
     * A validated request: the chat request to run, the response's shell, and what to store.
     *
     * @param chatRequest        the request the backends run (with the previous response's history first)
     * @param shell              the response object before it runs: id, created_at, model and the request's settings
     * @param store              whether the response is kept for {@code previous_response_id} and {@code GET}
     * @param conversation       the messages of this turn's conversation so far (history and new input, no instructions),
     *                           to which the answer is added when the response is stored
     */
    public record ResponsesRequest(ChatCompletionRequest chatRequest, ObjectNode shell, boolean store, ArrayNode conversation) {
    }

    /** Reads the body; {@code history} is the stored conversation of {@code previous_response_id} (null: none). */
    public ResponsesRequest parse(ObjectNode root, ArrayNode history) {
        if (root.path("background").asBoolean(false)) {
            throw OpenAiException.invalidRequest("background", "Background responses are not supported: send the request without 'background'.");
        }
        if (root.hasNonNull("stream") && !root.get("stream").isBoolean()) {
            throw OpenAiException.invalidRequest("stream", "'stream' must be a boolean.");
        }
        if (root.hasNonNull("conversation")) {
            throw OpenAiException.invalidRequest("conversation", "'conversation' objects are not supported: use previous_response_id.");
        }
        ObjectNode request = NODES.objectNode();
        request.set("model", root.get("model"));
        ArrayNode messages = request.putArray("messages");
        JsonNode instructions = root.get("instructions");
        if (instructions != null && !instructions.isNull()) {
            if (!instructions.isTextual()) {
                throw OpenAiException.invalidRequest("instructions", "'instructions' must be a string.");
            }
            messages.addObject().put("role", "system").put("content", instructions.asText());
        }
        ArrayNode conversation = history == null ? NODES.arrayNode() : history.deepCopy();
        input(root.get("input"), conversation);
        messages.addAll(conversation);
        request.put("stream", root.path("stream").asBoolean(false));
        request.putObject("stream_options").put("include_usage", true);
        copy(root, "max_output_tokens", request, "max_tokens");
        copy(root, "temperature", request, "temperature");
        copy(root, "top_p", request, "top_p");
        copy(root, "parallel_tool_calls", request, "parallel_tool_calls");
        JsonNode user = root.hasNonNull("user") ? root.get("user") : root.get("safety_identifier");
        if (user != null && user.isTextual()) {
            request.set("user", user);
        }
        if (root.path("reasoning").path("effort").isTextual()) {
            request.set("reasoning_effort", root.path("reasoning").get("effort"));
        }
        responseFormat(root.path("text").path("format"), request);
        tools(root, request);
        return new ResponsesRequest(chat.parse(request), shell(root), root.path("store").asBoolean(true), conversation);
    }

    /** The response object as the request shapes it; the encoder adds status, output, usage. */
    private ObjectNode shell(JsonNode root) {
        ObjectNode shell = NODES.objectNode().put("id", "resp_" + UUID.randomUUID().toString().replace("-", ""))
                .put("object", "response").put("created_at", clock.instant().getEpochSecond());
        shell.set("model", root.get("model"));
        shell.set("instructions", root.hasNonNull("instructions") ? root.get("instructions") : NODES.nullNode());
        shell.set("previous_response_id", root.hasNonNull("previous_response_id") ? root.get("previous_response_id") : NODES.nullNode());
        shell.set("max_output_tokens", root.hasNonNull("max_output_tokens") ? root.get("max_output_tokens") : NODES.nullNode());
        shell.set("temperature", root.hasNonNull("temperature") ? root.get("temperature") : NODES.numberNode(1.0));
        shell.set("top_p", root.hasNonNull("top_p") ? root.get("top_p") : NODES.numberNode(1.0));
        shell.put("parallel_tool_calls", root.path("parallel_tool_calls").asBoolean(true));
        shell.set("tool_choice", root.hasNonNull("tool_choice") ? root.get("tool_choice") : NODES.textNode("auto"));
        ArrayNode tools = shell.putArray("tools");
        root.path("tools").forEach(tool -> {
            ObjectNode echoed = tools.addObject().put("type", "function");
            echoed.set("name", tool.get("name"));
            if (tool.hasNonNull("description")) {
                echoed.set("description", tool.get("description"));
            }
            echoed.set("parameters", tool.hasNonNull("parameters") ? tool.get("parameters") : NODES.nullNode());
            echoed.set("strict", tool.hasNonNull("strict") ? tool.get("strict") : NODES.nullNode());
        });
        shell.set("metadata", root.path("metadata").isObject() ? root.get("metadata") : NODES.objectNode());
        shell.put("store", root.path("store").asBoolean(true));
        shell.putObject("text").set("format", root.path("text").path("format").isObject() ? root.path("text").get("format")
                : NODES.objectNode().put("type", "text"));
        shell.put("truncation", "disabled");
        if (root.path("user").isTextual()) {
            shell.set("user", root.get("user"));
        }
        return shell;
    }

    /** The input as chat messages, appended to the conversation. */
    private static void input(JsonNode input, ArrayNode conversation) {
        if (input == null || input.isNull()) {
            throw OpenAiException.invalidRequest("input", "you must provide an input parameter");
        }
        if (input.isTextual()) {
            conversation.addObject().put("role", "user").put("content", input.asText());
            return;
        }
        if (!input.isArray()) {
            throw OpenAiException.invalidRequest("input", "'input' must be a string or an array of input items.");
        }
        for (int i = 0; i < input.size(); i++) {
            JsonNode item = input.get(i);
            String param = "input[" + i + "]";
            if (!item.isObject()) {
                throw OpenAiException.invalidRequest(param, "'" + param + "' must be an object.");
            }
            String type = item.path("type").asText(item.has("role") ? "message" : "");
            switch (type) {
                case "message" -> conversation.add(message(item, param));
                case "function_call" -> functionCall(item, param, conversation);
                case "function_call_output" -> conversation.addObject().put("role", "tool")
                        .put("tool_call_id", required(item, "call_id", param)).put("content", outputText(item.get("output")));
                case "reasoning" -> {
                    // a previous turn's reasoning: no backend takes it back
                }
                default -> throw OpenAiException.invalidRequest(param + ".type", "Input items of type '" + type
                        + "' are not supported: use message, function_call and function_call_output items.");
            }
        }
    }

    private static ObjectNode message(JsonNode item, String param) {
        String role = item.path("role").asText("");
        if (!MESSAGE_ROLES.contains(role)) {
            throw OpenAiException.invalidRequest(param + ".role", "'" + param + ".role' must be one of assistant, developer, system, user.");
        }
        ObjectNode message = NODES.objectNode().put("role", role);
        JsonNode content = item.get("content");
        if (content != null && content.isTextual()) {
            return message.put("content", content.asText());
        }
        if (content == null || !content.isArray()) {
            throw OpenAiException.invalidRequest(param + ".content", "'" + param + ".content' must be a string or an array of content parts.");
        }
        ArrayNode parts = message.putArray("content");
        for (int j = 0; j < content.size(); j++) {
            JsonNode part = content.get(j);
            String partParam = param + ".content[" + j + "]";
            switch (part.path("type").asText("")) {
                case "input_text", "output_text", "text" -> parts.addObject().put("type", "text").put("text", part.path("text").asText(""));
                case "refusal" -> parts.addObject().put("type", "text").put("text", part.path("refusal").asText(""));
                case "input_image" -> {
                    if (!part.path("image_url").isTextual()) {
                        throw OpenAiException.invalidRequest(partParam + ".image_url", "Images are taken as 'image_url' (an http(s) URL or a"
                                + " data URI); 'file_id' references are not supported.");
                    }
                    parts.addObject().put("type", "image_url").putObject("image_url").put("url", part.get("image_url").asText());
                }
                case "input_file" -> {
                    if (!part.path("file_data").isTextual()) {
                        throw OpenAiException.invalidRequest(partParam + ".file_data", "Files are taken as 'file_data' (base64);"
                                + " 'file_id' and 'file_url' references are not supported.");
                    }
                    ObjectNode file = parts.addObject().put("type", "file").putObject("file");
                    file.put("file_data", part.get("file_data").asText());
                    if (part.path("filename").isTextual()) {
                        file.put("filename", part.get("filename").asText());
                    }
                }
                default -> throw OpenAiException.invalidRequest(partParam + ".type", "Content parts of type '"
                        + part.path("type").asText("") + "' are not supported: use input_text, input_image or input_file.");
            }
        }
        return message;
    }

    /** A function_call item: joins the tool calls of the assistant message before it, else starts one. */
    private static void functionCall(JsonNode item, String param, ArrayNode conversation) {
        ObjectNode call = NODES.objectNode().put("id", required(item, "call_id", param)).put("type", "function");
        call.putObject("function").put("name", required(item, "name", param)).put("arguments", item.path("arguments").asText("{}"));
        JsonNode last = conversation.isEmpty() ? null : conversation.get(conversation.size() - 1);
        if (last != null && "assistant".equals(last.path("role").asText()) && last.path("tool_calls").isArray()) {
            ((ArrayNode) last.get("tool_calls")).add(call);
        } else if (last != null && "assistant".equals(last.path("role").asText()) && !last.has("tool_calls")) {
            ((ObjectNode) last).putArray("tool_calls").add(call);
        } else {
            ObjectNode message = conversation.addObject().put("role", "assistant");
            message.putNull("content");
            message.putArray("tool_calls").add(call);
        }
    }

    private static String required(JsonNode item, String field, String param) {
        if (!item.path(field).isTextual() || item.get(field).asText().isBlank()) {
            throw OpenAiException.invalidRequest(param + "." + field, "'" + param + "." + field + "' must be a non-empty string.");
        }
        return item.get(field).asText();
    }

    /** A function_call_output's output: a string, or the text of its content parts. */
    private static String outputText(JsonNode output) {
        if (output == null || output.isNull()) {
            return "";
        }
        if (output.isTextual()) {
            return output.asText();
        }
        StringBuilder text = new StringBuilder();
        output.forEach(part -> text.append(part.path("text").asText("")));
        return text.toString();
    }

    private static void responseFormat(JsonNode format, ObjectNode request) {
        switch (format.path("type").asText("")) {
            case "json_object" -> request.putObject("response_format").put("type", "json_object");
            case "json_schema" -> {
                ObjectNode schema = request.putObject("response_format").put("type", "json_schema").putObject("json_schema");
                schema.set("name", format.get("name"));
                schema.set("schema", format.get("schema"));
                if (format.has("strict")) {
                    schema.set("strict", format.get("strict"));
                }
                if (format.has("description")) {
                    schema.set("description", format.get("description"));
                }
            }
            default -> {
                // text: the default
            }
        }
    }

    /** Flat function tools → chat tools; any other tool type is refused by name. */
    private static void tools(JsonNode root, ObjectNode request) {
        JsonNode tools = root.get("tools");
        if (tools != null && !tools.isNull()) {
            if (!tools.isArray()) {
                throw OpenAiException.invalidRequest("tools", "'tools' must be an array.");
            }
            ArrayNode chatTools = request.putArray("tools");
            for (int i = 0; i < tools.size(); i++) {
                JsonNode tool = tools.get(i);
                String type = tool.path("type").asText("");
                if (!"function".equals(type)) {
                    throw OpenAiException.invalidRequest("tools[" + i + "].type", "Tools of type '" + type
                            + "' are not supported: only function tools are, run by the client.");
                }
                ObjectNode function = chatTools.addObject().put("type", "function").putObject("function");
                function.set("name", tool.get("name"));
                for (String field : new String[] {"description", "parameters", "strict"}) {
                    if (tool.hasNonNull(field)) {
                        function.set(field, tool.get(field));
                    }
                }
            }
        }
        JsonNode choice = root.get("tool_choice");
        if (choice != null && !choice.isNull()) {
            if (choice.isObject() && "function".equals(choice.path("type").asText())) {
                request.putObject("tool_choice").put("type", "function").putObject("function").set("name", choice.get("name"));
            } else if (choice.isTextual()) {
                request.set("tool_choice", choice);
            } else {
                throw OpenAiException.invalidRequest("tool_choice", "'tool_choice' must be auto, none, required or {\"type\": \"function\", \"name\": ...}.");
            }
        }
    }

    private static void copy(JsonNode from, String field, ObjectNode to, String as) {
        if (from.hasNonNull(field)) {
            to.set(as, from.get(field));
        }
    }
}

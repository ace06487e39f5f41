package io.difygateway.upstream;

import static io.difygateway.frontdoor.GatewayVariables.CHAT_REQUEST;
import static io.difygateway.frontdoor.GatewayVariables.MODEL_ID;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.difygateway.errors.OpenAiException;
import io.difygateway.frontdoor.ChatCompletionRequest;
import io.difygateway.frontdoor.ChatMessage;
import org.apache.camel.Exchange;
import org.apache.camel.Expression;
import org.apache.camel.Processor;

/**
 * Translates the client's chat request into the parts a backend's JSON body is written from (the
 * {@code chat-request-action} Kamelet's bean; its parameters are these properties): the variable {@code messages}, a
 * JSON array of {@code {role, content}} texts (with the history's tool calls and results in the backend's shape, by
 * {@link #setMessageFormat}), and the variable {@code requestFields}, the body's optional members, each followed by a
 * comma ({@code "system": "...", "max_tokens": 4096, "tools": [...], "temperature": 0.2, }), empty when there are none.
 * {@link #messages} and {@link #fields} need no Camel.
 */
public class ChatRequestParts implements Processor {

    /** Roles whose text is the system prompt ({@code developer} is OpenAI's newer name for it). */
    private static final List<String> SYSTEM_ROLES = List.of("system", "developer");
    private static final ObjectMapper JSON = new ObjectMapper();

    private volatile String systemField;
    private volatile String maxTokensField;
    private volatile String maxTokensDefault;
    private volatile Expression maxTokensDefaultExpression;
    private volatile List<CopiedField> copiedFields = List.of();
    private volatile MessageFormat messageFormat = MessageFormat.TEXT;

    /** How the messages (and the client's tools) are written for the backend. */
    enum MessageFormat {
        /** {role, content} texts; tools are not sent. */
        TEXT,
        /** Ollama's /api/chat: texts, assistant tool_calls with arguments as objects, tool results with the tool's name; tools as sent. */
        OLLAMA,
        /** Anthropic's Messages API: tool_use and tool_result content blocks; tools and tool_choice in Anthropic's shape. */
        ANTHROPIC
    }

    /** A client field copied into the body: its name there, and whether a single value is wrapped in an array. */
    record CopiedField(String from, String to, boolean asArray) {
    }

    /** The body field that gets the system messages' text; when set they leave {@code messages}. */
    public void setSystemField(String field) {
        systemField = blankToNull(field);
    }

    /** The body field that gets the request's {@code max_completion_tokens} or {@code max_tokens}, else the default. */
    public void setMaxTokensField(String field) {
        maxTokensField = blankToNull(field);
    }

    /** The token limit when the request has none: a number, or a simple expression such as {@code ${variable.option-max-tokens} ?: 4096}. */
    public void setMaxTokensDefault(String expression) {
        maxTokensDefault = blankToNull(expression);
        maxTokensDefaultExpression = null;
    }

    /** The client's fields copied as they are, comma-separated: {@code temperature, top_p, stop: stop_sequences[]} ({@code []}: always an array). */
    public void setCopyFields(String list) {
        List<CopiedField> fields = new ArrayList<>();
        if (list != null && !list.isBlank()) {
            for (String entry : list.split(",")) {
                String[] names = entry.split(":", 2);
                String from = names[0].trim();
                String to = names.length == 2 ? names[1].trim() : from;
                boolean asArray = to.endsWith("[]");
                to = asArray ? to.substring(0, to.length() - 2).trim() : to;
                if (from.isEmpty() || to.isEmpty()) {
                    throw new IllegalArgumentException("The parameter copyFields is not a list of 'field' or 'field: body-field' entries: '"
                            + entry.trim() + "' in " + list);
                }
                fields.add(new CopiedField(from, to, asArray));
            }
        }
        copiedFields = List.copyOf(fields);
    }

    /** How messages and tools are written: {@code text} (the default), {@code ollama} or {@code anthropic}. */
    public void setMessageFormat(String format) {
        String name = format == null || format.isBlank() ? "text" : format.trim();
        try {
            messageFormat = MessageFormat.valueOf(name.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("The parameter messageFormat must be text, ollama or anthropic, not '" + name + "'", e);
        }
    }

    /** chatRequest → messages, requestFields. */
    @Override
    public void process(Exchange exchange) {
        ChatCompletionRequest request = exchange.getVariable(CHAT_REQUEST, ChatCompletionRequest.class);
        exchange.setVariable(BackendSteps.MESSAGES, messages(request));
        exchange.setVariable(BackendSteps.REQUEST_FIELDS, fields(request, maxTokensDefault(exchange)));
    }

    /**
     * The messages as a JSON array in the message format: {@code {role, content}} texts, with the tool calls and tool
     * results of the history in the backend's shape; without the system messages when they go to a field.
     */
    public String messages(ChatCompletionRequest request) {
        ArrayNode messages = JsonNodeFactory.instance.arrayNode();
        JsonNode raw = request.raw() == null ? null : request.raw().get("messages");
        Map<String, String> toolNames = new HashMap<>();
        for (int i = 0; i < request.messages().size(); i++) {
            ChatMessage message = request.messages().get(i);
            if (systemField != null && SYSTEM_ROLES.contains(message.role())) {
                continue;
            }
            JsonNode original = raw != null && raw.size() == request.messages().size() ? raw.get(i) : JsonNodeFactory.instance.objectNode();
            switch (messageFormat) {
                case TEXT -> messages.addObject().put("role", message.role()).put("content", message.text());
                case OLLAMA -> ollamaMessage(messages, message, original, toolNames);
                case ANTHROPIC -> anthropicMessage(messages, message, original);
            }
        }
        return messages.toString();
    }

    private static void ollamaMessage(ArrayNode messages, ChatMessage message, JsonNode original, Map<String, String> toolNames) {
        ObjectNode written = messages.addObject().put("role", message.role()).put("content", message.text());
        JsonNode calls = original.path("tool_calls");
        if (calls.isArray() && !calls.isEmpty()) {
            ArrayNode toolCalls = written.putArray("tool_calls");
            for (JsonNode call : calls) {
                String name = call.path("function").path("name").asText("");
                toolNames.put(call.path("id").asText(""), name);
                toolCalls.addObject().putObject("function").put("name", name).set("arguments", argumentsObject(call));
            }
        }
        if ("tool".equals(message.role()) && toolNames.containsKey(original.path("tool_call_id").asText(""))) {
            written.put("tool_name", toolNames.get(original.path("tool_call_id").asText("")));
        }
    }

    private static void anthropicMessage(ArrayNode messages, ChatMessage message, JsonNode original) {
        if ("tool".equals(message.role())) {
            ObjectNode result = JsonNodeFactory.instance.objectNode().put("type", "tool_result")
                    .put("tool_use_id", original.path("tool_call_id").asText("")).put("content", message.text());
            JsonNode last = messages.isEmpty() ? null : messages.get(messages.size() - 1);
            if (last != null && "user".equals(last.path("role").asText()) && last.path("content").isArray()) {
                ((ArrayNode) last.get("content")).add(result); // the results of one turn's calls go back together
            } else {
                messages.addObject().put("role", "user").putArray("content").add(result);
            }
            return;
        }
        JsonNode calls = original.path("tool_calls");
        if (!"assistant".equals(message.role()) || !calls.isArray() || calls.isEmpty()) {
            messages.addObject().put("role", message.role()).put("content", message.text());
            return;
        }
        ArrayNode content = messages.addObject().put("role", "assistant").putArray("content");
        if (!message.text().isBlank()) {
            content.addObject().put("type", "text").put("text", message.text());
        }
        for (JsonNode call : calls) {
            content.addObject().put("type", "tool_use").put("id", call.path("id").asText(""))
                    .put("name", call.path("function").path("name").asText("")).set("input", argumentsObject(call));
        }
    }

    /** A tool call's arguments as an object (OpenAI sends them as JSON text); text that is not an object becomes {}. */
    private static JsonNode argumentsObject(JsonNode call) {
        JsonNode arguments = call.path("function").path("arguments");
        if (arguments.isObject()) {
            return arguments;
        }
        try {
            JsonNode parsed = JSON.readTree(arguments.asText("{}"));
            return parsed != null && parsed.isObject() ? parsed : JsonNodeFactory.instance.objectNode();
        } catch (JsonProcessingException notJson) {
            return JsonNodeFactory.instance.objectNode();
        }
    }

    /** The body's optional members, each followed by {@code ", "}: the system text, the token limit, the copied fields. */
    public String fields(ChatCompletionRequest request, Long defaultMaxTokens) {
        StringBuilder fields = new StringBuilder();
        if (systemField != null) {
            StringBuilder system = new StringBuilder();
            for (ChatMessage message : request.messages()) {
                if (SYSTEM_ROLES.contains(message.role()) && message.text() != null && !message.text().isBlank()) {
                    system.append(system.isEmpty() ? "" : "\n\n").append(message.text());
                }
            }
            if (!system.isEmpty()) {
                member(fields, systemField).append('"').append(JsonStringEncoder.getInstance().quoteAsString(system.toString())).append("\", ");
            }
        }
        JsonNode raw = request.raw();
        if (maxTokensField != null) {
            JsonNode requested = present(raw, "max_completion_tokens") ? raw.get("max_completion_tokens") : present(raw, "max_tokens") ? raw.get("max_tokens") : null;
            if (requested != null) {
                member(fields, maxTokensField).append(requested).append(", ");
            } else if (defaultMaxTokens != null) {
                member(fields, maxTokensField).append(defaultMaxTokens).append(", ");
            }
        }
        if (messageFormat == MessageFormat.OLLAMA && present(raw, "tools") && !raw.get("tools").isEmpty()) {
            member(fields, "tools").append(raw.get("tools")).append(", ");
        } else if (messageFormat == MessageFormat.ANTHROPIC && present(raw, "tools") && !raw.get("tools").isEmpty()) {
            anthropicTools(fields, raw);
        }
        for (CopiedField field : copiedFields) {
            if (present(raw, field.from())) {
                JsonNode value = raw.get(field.from());
                member(fields, field.to()).append(field.asArray() && !value.isArray() ? JsonNodeFactory.instance.arrayNode().add(value) : value).append(", ");
            }
        }
        return fields.toString();
    }

    /** OpenAI's function tools and tool_choice as Anthropic's tools (name, description, input_schema) and tool_choice. */
    private static void anthropicTools(StringBuilder fields, JsonNode raw) {
        ArrayNode tools = JsonNodeFactory.instance.arrayNode();
        for (JsonNode tool : raw.get("tools")) {
            JsonNode function = tool.path("function");
            ObjectNode written = tools.addObject().put("name", function.path("name").asText(""));
            if (function.path("description").isTextual()) {
                written.put("description", function.get("description").asText());
            }
            written.set("input_schema", function.path("parameters").isObject() ? function.get("parameters")
                    : JsonNodeFactory.instance.objectNode().put("type", "object"));
        }
        member(fields, "tools").append(tools).append(", ");
        JsonNode choice = raw.get("tool_choice");
        ObjectNode toolChoice = JsonNodeFactory.instance.objectNode();
        if (choice != null && choice.isObject()) {
            toolChoice.put("type", "tool").put("name", choice.path("function").path("name").asText(""));
        } else {
            String mode = choice == null || !choice.isTextual() ? "auto" : choice.asText();
            toolChoice.put("type", switch (mode) {
                case "required" -> "any";
                case "none" -> "none";
                default -> "auto";
            });
        }
        if (raw.path("parallel_tool_calls").isBoolean() && !raw.get("parallel_tool_calls").asBoolean() && !"none".equals(toolChoice.path("type").asText())) {
            toolChoice.put("disable_parallel_tool_use", true);
        }
        if (choice != null || toolChoice.has("disable_parallel_tool_use")) {
            member(fields, "tool_choice").append(toolChoice).append(", ");
        }
    }

    private Long maxTokensDefault(Exchange exchange) {
        if (maxTokensDefault == null) {
            return null;
        }
        Expression expression = maxTokensDefaultExpression;
        if (expression == null) {
            expression = exchange.getContext().resolveLanguage("simple").createExpression(maxTokensDefault);
            expression.init(exchange.getContext());
            maxTokensDefaultExpression = expression;
        }
        String value = expression.evaluate(exchange, String.class);
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            throw new OpenAiException(500, "server_error", "model_misconfigured", null, "The default token limit '" + value
                    + "' of model '" + exchange.getVariable(MODEL_ID, String.class) + "' is not a whole number: check its options.");
        }
    }

    private static StringBuilder member(StringBuilder fields, String name) {
        return fields.append('"').append(JsonStringEncoder.getInstance().quoteAsString(name)).append("\": ");
    }

    private static boolean present(JsonNode raw, String field) {
        return raw != null && raw.hasNonNull(field);
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.trim();
    }
}

package io.difygateway.upstream;

import static io.difygateway.frontdoor.GatewayVariables.CHAT_REQUEST;
import static io.difygateway.frontdoor.GatewayVariables.MODEL_ID;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
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
 * JSON array of {@code {role, content}} texts, and the variable {@code requestFields}, the body's optional members, each
 * followed by a comma ({@code "system": "...", "max_tokens": 4096, "temperature": 0.2, }), empty when there are none.
 * {@link #messages} and {@link #fields} need no Camel.
 */
public class ChatRequestParts implements Processor {

    /** Roles whose text is the system prompt ({@code developer} is OpenAI's newer name for it). */
    private static final List<String> SYSTEM_ROLES = List.of("system", "developer");

    private volatile String systemField;
    private volatile String maxTokensField;
    private volatile String maxTokensDefault;
    private volatile Expression maxTokensDefaultExpression;
    private volatile List<CopiedField> copiedFields = List.of();

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

    /** chatRequest → messages, requestFields. */
    @Override
    public void process(Exchange exchange) {
        ChatCompletionRequest request = exchange.getVariable(CHAT_REQUEST, ChatCompletionRequest.class);
        exchange.setVariable(BackendSteps.MESSAGES, messages(request));
        exchange.setVariable(BackendSteps.REQUEST_FIELDS, fields(request, maxTokensDefault(exchange)));
    }

    /** The messages as a JSON array of {@code {role, content}} texts; without the system messages when they go to a field. */
    public String messages(ChatCompletionRequest request) {
        ArrayNode messages = JsonNodeFactory.instance.arrayNode();
        for (ChatMessage message : request.messages()) {
            if (systemField == null || !SYSTEM_ROLES.contains(message.role())) {
                messages.addObject().put("role", message.role()).put("content", message.text());
            }
        }
        return messages.toString();
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
        for (CopiedField field : copiedFields) {
            if (present(raw, field.from())) {
                JsonNode value = raw.get(field.from());
                member(fields, field.to()).append(field.asArray() && !value.isArray() ? JsonNodeFactory.instance.arrayNode().add(value) : value).append(", ");
            }
        }
        return fields.toString();
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

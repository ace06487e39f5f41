package io.difygateway.frontdoor;

import java.util.Set;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import io.difygateway.errors.OpenAiException;

/**
 * Translates the typed fields of an OpenAI chat request ({@code tools}, {@code tool_choice}, {@code response_format},
 * {@code stop}, {@code n}, log probabilities, token limits, sampling numbers, data URIs) into a 400 naming the field
 * when they do not have the type and range OpenAI's API gives them, so that a wrong request fails here, as it
 * would at OpenAI, and not somewhere behind the backend. Absent and null fields pass; unknown fields are not looked at.
 */
final class RequestFieldChecks {

    private static final Pattern FUNCTION_NAME = Pattern.compile("[A-Za-z0-9_-]{1,64}");
    private static final Pattern MEDIA_TYPE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]*/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]*");
    private static final Set<String> TOOL_CHOICE_MODES = Set.of("none", "auto", "required");
    private static final Set<String> RESPONSE_FORMATS = Set.of("text", "json_object", "json_schema");
    private static final int MAX_STOP_SEQUENCES = 4;
    private static final int MAX_TOP_LOGPROBS = 20;

    private RequestFieldChecks() {
    }

    /** Checks every typed top-level field of a request object. */
    static void check(JsonNode root) {
        tools(root.get("tools"));
        toolChoice(root.get("tool_choice"));
        responseFormat(root.get("response_format"));
        stop(root.get("stop"));
        integer(root, "n", 1, 128);
        JsonNode n = root.get("n");
        if (present(n) && n.asInt() > 1) {
            throw new OpenAiException(400, "invalid_request_error", "unsupported_value", "n",
                    "'n' > 1 is not supported by this gateway: it returns one choice per request.");
        }
        bool(root, "logprobs");
        integer(root, "top_logprobs", 0, MAX_TOP_LOGPROBS);
        if (present(root.get("top_logprobs")) && !root.path("logprobs").asBoolean(false)) {
            throw OpenAiException.invalidRequest("top_logprobs", "'top_logprobs' needs 'logprobs' set to true.");
        }
        integer(root, "max_tokens", 1, Integer.MAX_VALUE);
        integer(root, "max_completion_tokens", 1, Integer.MAX_VALUE);
        integer(root, "seed", Long.MIN_VALUE, Long.MAX_VALUE);
        number(root, "temperature", 0, 2);
        number(root, "top_p", 0, 1);
        number(root, "presence_penalty", -2, 2);
        number(root, "frequency_penalty", -2, 2);
        bool(root, "parallel_tool_calls");
    }

    /**
     * Checks an {@code image_url} or {@code file_data} value: an http(s) URL (images only) or a {@code data:} URI whose
     * media type is well formed (an image type for images) and whose payload is valid base64.
     */
    static void attachment(String value, boolean image, String param) {
        if (image && (value.startsWith("http://") || value.startsWith("https://"))) {
            return;
        }
        if (!value.startsWith("data:")) {
            throw OpenAiException.invalidRequest(param, image
                    ? "'" + param + "' must be an http(s) URL or a data URI (data:image/png;base64,...)."
                    : "'" + param + "' must be a data URI (data:application/pdf;base64,...) or base64 data.");
        }
        int comma = value.indexOf(',');
        String header = comma < 0 ? "" : value.substring(5, comma);
        if (comma < 0 || !header.endsWith(";base64")) {
            throw OpenAiException.invalidRequest(param, "'" + param + "' must be a base64 data URI: data:<media type>;base64,<data>.");
        }
        String mediaType = header.substring(0, header.indexOf(';'));
        if (!MEDIA_TYPE.matcher(mediaType).matches() || image && !mediaType.regionMatches(true, 0, "image/", 0, 6)) {
            throw OpenAiException.invalidRequest(param, "'" + param + "' has the media type '" + mediaType + "'"
                    + (image ? ", which is not an image type (image/png, image/jpeg, ...)." : ", which is not a valid media type."));
        }
        if (!isBase64(value, comma + 1)) {
            throw OpenAiException.invalidRequest(param, "'" + param + "' does not contain valid base64 data.");
        }
    }

    /** Whether the text from {@code start} on is standard base64 (whitespace allowed between characters). */
    static boolean isBase64(String text, int start) {
        int symbols = 0;
        int padding = 0;
        for (int i = start; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == ' ' || c == '\n' || c == '\r' || c == '\t') {
                continue;
            }
            if (c == '=') {
                padding++;
            } else if (padding > 0) {
                return false; // data after the padding
            } else if (!(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '+' || c == '/')) {
                return false;
            }
            symbols++;
        }
        return symbols > 0 && padding <= 2 && (symbols % 4 == 0 || padding == 0 && symbols % 4 != 1);
    }

    private static void tools(JsonNode tools) {
        if (!present(tools)) {
            return;
        }
        if (!tools.isArray()) {
            throw OpenAiException.invalidRequest("tools", "'tools' must be an array of tools, got " + describe(tools) + ".");
        }
        for (int i = 0; i < tools.size(); i++) {
            String param = "tools[" + i + "]";
            JsonNode tool = tools.get(i);
            if (!tool.isObject()) {
                throw OpenAiException.invalidRequest(param, "'" + param + "' must be an object, got " + describe(tool) + ".");
            }
            String type = tool.path("type").isTextual() ? tool.get("type").asText() : null;
            if ("function".equals(type)) {
                JsonNode function = tool.get("function");
                if (function == null || !function.isObject()) {
                    throw OpenAiException.invalidRequest(param + ".function", "'" + param + ".function' must be an object with a 'name'.");
                }
                name(function, param + ".function.name");
                optionalType(function, "description", JsonNode::isTextual, "a string", param + ".function.description");
                optionalType(function, "parameters", JsonNode::isObject, "an object (a JSON Schema)", param + ".function.parameters");
                optionalType(function, "strict", JsonNode::isBoolean, "a boolean", param + ".function.strict");
            } else if ("custom".equals(type)) {
                JsonNode custom = tool.get("custom");
                if (custom == null || !custom.isObject()) {
                    throw OpenAiException.invalidRequest(param + ".custom", "'" + param + ".custom' must be an object with a 'name'.");
                }
                name(custom, param + ".custom.name");
            } else {
                throw OpenAiException.invalidRequest(param + ".type", "'" + param + ".type' must be 'function' or 'custom'"
                        + (type == null ? "." : ", got '" + type + "'."));
            }
        }
    }

    private static void toolChoice(JsonNode choice) {
        if (!present(choice)) {
            return;
        }
        if (choice.isTextual()) {
            if (!TOOL_CHOICE_MODES.contains(choice.asText())) {
                throw OpenAiException.invalidRequest("tool_choice", "'tool_choice' must be 'none', 'auto', 'required' or an object"
                        + " naming a function; got '" + choice.asText() + "'.");
            }
            return;
        }
        if (!choice.isObject() || !choice.path("type").isTextual()) {
            throw OpenAiException.invalidRequest("tool_choice", "'tool_choice' must be a string or an object with a 'type', got "
                    + describe(choice) + ".");
        }
        switch (choice.get("type").asText()) {
            case "function" -> name(choice.path("function"), "tool_choice.function.name");
            case "custom" -> name(choice.path("custom"), "tool_choice.custom.name");
            case "allowed_tools" -> {
                if (!choice.path("allowed_tools").isObject()) {
                    throw OpenAiException.invalidRequest("tool_choice.allowed_tools", "'tool_choice.allowed_tools' must be an object.");
                }
            }
            default -> throw OpenAiException.invalidRequest("tool_choice.type",
                    "'tool_choice.type' must be 'function', 'custom' or 'allowed_tools', got '" + choice.get("type").asText() + "'.");
        }
    }

    private static void responseFormat(JsonNode format) {
        if (!present(format)) {
            return;
        }
        if (!format.isObject() || !format.path("type").isTextual()) {
            throw OpenAiException.invalidRequest("response_format", "'response_format' must be an object with a 'type', got "
                    + describe(format) + ".");
        }
        String type = format.get("type").asText();
        if (!RESPONSE_FORMATS.contains(type)) {
            throw OpenAiException.invalidRequest("response_format.type",
                    "'response_format.type' must be 'text', 'json_object' or 'json_schema', got '" + type + "'.");
        }
        if ("json_schema".equals(type)) {
            JsonNode schema = format.get("json_schema");
            if (schema == null || !schema.isObject()) {
                throw OpenAiException.invalidRequest("response_format.json_schema",
                        "'response_format.json_schema' must be an object with a 'name' and a 'schema'.");
            }
            name(schema, "response_format.json_schema.name");
            optionalType(schema, "schema", JsonNode::isObject, "an object (a JSON Schema)", "response_format.json_schema.schema");
        }
    }

    private static void stop(JsonNode stop) {
        if (!present(stop) || stop.isTextual()) {
            return;
        }
        if (!stop.isArray()) {
            throw OpenAiException.invalidRequest("stop", "'stop' must be a string or an array of up to 4 strings, got "
                    + describe(stop) + ".");
        }
        if (stop.size() > MAX_STOP_SEQUENCES) {
            throw OpenAiException.invalidRequest("stop", "'stop' takes at most 4 sequences, got " + stop.size() + ".");
        }
        for (int i = 0; i < stop.size(); i++) {
            if (!stop.get(i).isTextual()) {
                throw OpenAiException.invalidRequest("stop[" + i + "]", "'stop[" + i + "]' must be a string, got " + describe(stop.get(i)) + ".");
            }
        }
    }

    private static void name(JsonNode parent, String param) {
        JsonNode name = parent.get("name");
        if (name == null || !name.isTextual()) {
            throw OpenAiException.invalidRequest(param, "'" + param + "' must be a string.");
        }
        if (!FUNCTION_NAME.matcher(name.asText()).matches()) {
            throw OpenAiException.invalidRequest(param, "'" + param + "' must be 1 to 64 letters, digits, '_' or '-'; got '"
                    + (name.asText().length() > 80 ? name.asText().substring(0, 80) + "…" : name.asText()) + "'.");
        }
    }

    private static void optionalType(JsonNode parent, String field, java.util.function.Predicate<JsonNode> ok, String what, String param) {
        JsonNode value = parent.get(field);
        if (present(value) && !ok.test(value)) {
            throw OpenAiException.invalidRequest(param, "'" + param + "' must be " + what + ", got " + describe(value) + ".");
        }
    }

    private static void integer(JsonNode root, String field, long min, long max) {
        JsonNode value = root.get(field);
        if (!present(value)) {
            return;
        }
        if (!value.isIntegralNumber() || !value.canConvertToLong()) {
            throw OpenAiException.invalidRequest(field, "'" + field + "' must be an integer, got " + describe(value) + ".");
        }
        long number = value.asLong();
        if (number < min || number > max) {
            throw OpenAiException.invalidRequest(field, "'" + field + "' must be "
                    + (max == Integer.MAX_VALUE || max == Long.MAX_VALUE ? "at least " + min : "between " + min + " and " + max)
                    + ", got " + number + ".");
        }
    }

    private static void number(JsonNode root, String field, double min, double max) {
        JsonNode value = root.get(field);
        if (!present(value)) {
            return;
        }
        if (!value.isNumber()) {
            throw OpenAiException.invalidRequest(field, "'" + field + "' must be a number, got " + describe(value) + ".");
        }
        double number = value.asDouble();
        if (!(number >= min && number <= max)) {
            throw OpenAiException.invalidRequest(field, "'" + field + "' must be between " + format(min) + " and " + format(max)
                    + ", got " + value.asText() + ".");
        }
    }

    private static void bool(JsonNode root, String field) {
        JsonNode value = root.get(field);
        if (present(value) && !value.isBoolean()) {
            throw OpenAiException.invalidRequest(field, "'" + field + "' must be a boolean, got " + describe(value) + ".");
        }
    }

    private static boolean present(JsonNode value) {
        return value != null && !value.isNull();
    }

    private static String format(double value) {
        return value == Math.rint(value) ? Long.toString((long) value) : Double.toString(value);
    }

    /** The JSON type of a value in words. */
    static String describe(JsonNode node) {
        return switch (node.getNodeType()) {
            case ARRAY -> "an array";
            case OBJECT -> "an object";
            case STRING -> "a string";
            case NUMBER -> node.isIntegralNumber() ? "an integer" : "a decimal number";
            case BOOLEAN -> "a boolean";
            default -> node.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
        };
    }
}

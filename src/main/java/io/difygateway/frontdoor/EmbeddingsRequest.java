package io.difygateway.frontdoor;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.difygateway.errors.OpenAiException;

/**
 * A validated {@code POST /v1/embeddings} request.
 *
 * @param model          the OpenAI model id
 * @param input          a string, an array of strings, an array of token ids or an array of such arrays
 * @param base64         {@code encoding_format: base64}: each vector as little-endian float32 bytes in base64
 * @param dimensions     the vectors' length the client asked for, or null
 * @param user           the OpenAI {@code user} string, or null
 * @param raw            the whole request as sent, for backends that pass it on
 */
public record EmbeddingsRequest(String model, JsonNode input, boolean base64, Integer dimensions, String user, ObjectNode raw) {

    /** Reads and checks a request already read as a JSON object; a 400 naming the field otherwise. */
    public static EmbeddingsRequest of(ObjectNode root) {
        JsonNode model = root.get("model");
        if (model == null || !model.isTextual() || model.asText().isBlank()) {
            throw OpenAiException.invalidRequest("model", "you must provide a model parameter");
        }
        JsonNode input = root.get("input");
        if (input == null || input.isNull()) {
            throw OpenAiException.invalidRequest("input", "you must provide an input parameter");
        }
        boolean valid = input.isTextual() || input.isArray() && !input.isEmpty() && (allTextual(input) || allIntegers(input) || allTokenArrays(input));
        if (!valid) {
            throw OpenAiException.invalidRequest("input", "'input' must be a string, a non-empty array of strings, an array of token ids,"
                    + " or an array of arrays of token ids.");
        }
        String format = root.path("encoding_format").asText("float");
        if (!format.equals("float") && !format.equals("base64")) {
            throw OpenAiException.invalidRequest("encoding_format", "'encoding_format' must be float or base64.");
        }
        JsonNode dimensions = root.get("dimensions");
        if (dimensions != null && !dimensions.isNull() && (!dimensions.canConvertToInt() || !dimensions.isIntegralNumber() || dimensions.asInt() < 1)) {
            throw OpenAiException.invalidRequest("dimensions", "'dimensions' must be a positive integer.");
        }
        JsonNode user = root.get("user");
        return new EmbeddingsRequest(model.asText(), input, format.equals("base64"),
                dimensions == null || dimensions.isNull() ? null : dimensions.asInt(), user != null && user.isTextual() ? user.asText() : null, root);
    }

    /** The number of inputs: one for a string or a token array, else the array's size. */
    public int count() {
        return input.isTextual() || allIntegers(input) ? 1 : input.size();
    }

    private static boolean allTextual(JsonNode array) {
        for (JsonNode item : array) {
            if (!item.isTextual()) {
                return false;
            }
        }
        return true;
    }

    private static boolean allIntegers(JsonNode array) {
        if (!array.isArray() || array.isEmpty()) {
            return false;
        }
        for (JsonNode item : array) {
            if (!item.isIntegralNumber()) {
                return false;
            }
        }
        return true;
    }

    private static boolean allTokenArrays(JsonNode array) {
        for (JsonNode item : array) {
            if (!allIntegers(item)) {
                return false;
            }
        }
        return true;
    }
}

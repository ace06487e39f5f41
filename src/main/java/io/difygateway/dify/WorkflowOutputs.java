package io.difygateway.dify;

import java.util.Iterator;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** Renders a workflow run's {@code outputs} as answer text, for runs that streamed no text. */
final class WorkflowOutputs {

    private WorkflowOutputs() {
    }

    /**
     * The named output (a string as it is, anything else as a JSON code block), else a single string output as it
     * is, else every output under its name.
     */
    static String render(JsonNode outputs, String outputVariable, ObjectMapper json) {
        if (outputVariable != null && outputs.has(outputVariable)) {
            return value(outputs.get(outputVariable), json);
        }
        if (!outputs.isObject() || outputs.isEmpty()) {
            return "*The workflow finished without output.*";
        }
        if (outputs.size() == 1 && outputs.elements().next().isTextual()) {
            return outputs.elements().next().asText();
        }
        StringBuilder text = new StringBuilder();
        for (Iterator<Map.Entry<String, JsonNode>> it = outputs.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> output = it.next();
            if (!text.isEmpty()) {
                text.append("\n\n");
            }
            text.append("**").append(output.getKey()).append("**");
            String value = value(output.getValue(), json);
            text.append(output.getValue().isTextual() && !value.contains("\n") ? ": " : "\n\n").append(value);
        }
        return text.toString();
    }

    private static String value(JsonNode value, ObjectMapper json) {
        if (value.isTextual()) {
            return value.asText();
        }
        try {
            return "```json\n" + json.writerWithDefaultPrettyPrinter().writeValueAsString(value) + "\n```";
        } catch (JsonProcessingException e) {
            return value.toString();
        }
    }
}

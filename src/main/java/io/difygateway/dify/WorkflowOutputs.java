package io.difygateway.dify;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** Renders a workflow run's {@code outputs} as answer text (files as markdown links), for runs that streamed no text. */
final class WorkflowOutputs {

    /** How Dify marks a file object in variables and outputs. */
    private static final String DIFY_FILE = "__dify__file__";

    private WorkflowOutputs() {
    }

    /**
     * The named output (a string as it is, a file as a link, anything else as a JSON code block), else a single string
     * output as it is, else every output under its name; {@code absolute} makes Dify's relative file URLs absolute.
     */
    static String render(JsonNode outputs, String outputVariable, ObjectMapper json, UnaryOperator<String> absolute) {
        if (outputVariable != null && outputs.has(outputVariable)) {
            return value(outputs.get(outputVariable), json, absolute);
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
            String value = value(output.getValue(), json, absolute);
            text.append(!value.contains("\n") && (output.getValue().isTextual() || isFile(output.getValue())) ? ": " : "\n\n").append(value);
        }
        return text.toString();
    }

    /** The file objects among the outputs' values (a file, or a list holding files), in order. */
    static List<JsonNode> files(JsonNode outputs) {
        List<JsonNode> files = new ArrayList<>();
        outputs.elements().forEachRemaining(value -> {
            if (isFile(value)) {
                files.add(value);
            } else if (value.isArray()) {
                value.forEach(element -> {
                    if (isFile(element)) {
                        files.add(element);
                    }
                });
            }
        });
        return files;
    }

    /** A markdown image for an image file, else a link named by the file's name; null for a file without a URL. */
    static String link(JsonNode file, UnaryOperator<String> absolute) {
        String url = url(file);
        if (url.isEmpty()) {
            return null;
        }
        String type = file.path("type").asText("file");
        String name = file.path("filename").asText(type).replace("]", "").replace("[", "");
        return ("image".equals(type) ? "![" + name + "](" : "[" + name + "](") + absolute.apply(url) + ")";
    }

    /** A file's URL as Dify gives it (its own, else the remote one it came from), or "". */
    static String url(JsonNode file) {
        String url = file.path("url").asText("");
        return url.isEmpty() ? file.path("remote_url").asText("") : url;
    }

    /** A file's URL without its signature (Dify signs each mention of a file anew), to recognise a file shown before. */
    static String identity(String url) {
        int query = url.indexOf('?');
        return query < 0 ? url : url.substring(0, query);
    }

    private static boolean isFile(JsonNode value) {
        return value.isObject() && DIFY_FILE.equals(value.path("dify_model_identity").asText());
    }

    private static String value(JsonNode value, ObjectMapper json, UnaryOperator<String> absolute) {
        if (value.isTextual()) {
            return value.asText();
        }
        List<JsonNode> files = new ArrayList<>();
        if (value.isArray()) {
            value.forEach(files::add);
        } else {
            files.add(value);
        }
        if (!files.isEmpty() && files.stream().allMatch(WorkflowOutputs::isFile)) {
            List<String> links = files.stream().map(file -> link(file, absolute)).filter(java.util.Objects::nonNull).toList();
            if (!links.isEmpty()) {
                return String.join("\n\n", links);
            }
        }
        try {
            return "```json\n" + json.writerWithDefaultPrettyPrinter().writeValueAsString(value) + "\n```";
        } catch (JsonProcessingException e) {
            return value.toString();
        }
    }
}

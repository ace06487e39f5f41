package io.difygateway.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** Reads an OpenAI streaming body the way Open WebUI does: one JSON object per {@code data:} line. */
public final class OpenAiStreams {

    private static final ObjectMapper JSON = new ObjectMapper();

    private OpenAiStreams() {
    }

    /** The JSON payloads of the {@code data:} lines, without {@code [DONE]}. */
    public static List<JsonNode> chunks(String body) {
        return body.lines().filter(line -> line.startsWith("data: {")).map(line -> {
            try {
                return JSON.readTree(line.substring(6));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }).toList();
    }

    /** The answer text: every chunk's {@code delta.content} joined. */
    public static String content(List<JsonNode> chunks) {
        StringBuilder text = new StringBuilder();
        chunks.forEach(chunk -> text.append(chunk.at("/choices/0/delta/content").asText("")));
        return text.toString();
    }
}

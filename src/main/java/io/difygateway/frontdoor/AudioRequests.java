package io.difygateway.frontdoor;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.difygateway.errors.OpenAiException;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.Part;
import org.springframework.stereotype.Component;

/**
 * Translates the bodies of {@code POST /v1/audio/transcriptions} (OpenAI's multipart form, or Open WebUI's JSON form
 * {@code {model, language, input_audio: {data, format}}}) and {@code POST /v1/audio/speech} into checked requests; a
 * 400 naming the field otherwise.
 */
@Component("audioRequests")
public class AudioRequests {

    private static final Set<String> TRANSCRIPT_FORMATS = Set.of("json", "text", "verbose_json");

    private final ChatRequestParser json;

    public AudioRequests(ChatRequestParser json) {
        this.json = json;
    }

    /**
     * A transcription request.
     *
     * @param model          the OpenAI model id
     * @param audio          the audio file's bytes
     * @param filename       its name (made from the format for the JSON form), whose extension says the audio type
     * @param language       the language the client named, or null
     * @param prompt         the client's prompt, or null
     * @param responseFormat json, text or verbose_json
     * @param temperature    the client's temperature, or null
     */
    public record TranscriptionRequest(String model, byte[] audio, String filename, String language, String prompt,
                                       String responseFormat, String temperature) {
    }

    /** A speech request: the text, the voice (null: the model's default), the format and speed asked for (or null). */
    public record SpeechRequest(String model, String input, String voice, String responseFormat, Double speed, ObjectNode raw) {
    }

    /** Reads a transcription request, multipart or JSON. */
    public TranscriptionRequest transcription(HttpServletRequest request, String body) throws IOException {
        String contentType = request.getContentType() == null ? "" : request.getContentType().toLowerCase(Locale.ROOT);
        if (contentType.startsWith("multipart/form-data")) {
            return multipart(request);
        }
        ObjectNode root = json.readObject(body);
        JsonNode audio = root.path("input_audio");
        if (!audio.path("data").isTextual()) {
            throw OpenAiException.invalidRequest("input_audio.data", "Send the audio as a multipart 'file', or as JSON input_audio.data (base64).");
        }
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(audio.get("data").asText().replaceAll("\\s", ""));
        } catch (IllegalArgumentException e) {
            throw OpenAiException.invalidRequest("input_audio.data", "'input_audio.data' is not valid base64.");
        }
        String format = audio.path("format").asText("wav").toLowerCase(Locale.ROOT);
        return checked(text(root.get("model")), bytes, "audio." + format, text(root.get("language")), text(root.get("prompt")),
                text(root.get("response_format")), text(root.get("temperature")));
    }

    private TranscriptionRequest multipart(HttpServletRequest request) throws IOException {
        try {
            Part file = request.getPart("file");
            if (file == null) {
                throw OpenAiException.invalidRequest("file", "you must provide a file parameter");
            }
            byte[] bytes = file.getInputStream().readAllBytes();
            String filename = file.getSubmittedFileName() == null ? "audio" : file.getSubmittedFileName();
            return checked(field(request, "model"), bytes, filename, field(request, "language"), field(request, "prompt"),
                    field(request, "response_format"), field(request, "temperature"));
        } catch (ServletException e) {
            throw OpenAiException.invalidRequest(null, "The multipart form could not be read: " + e.getMessage());
        }
    }

    private static TranscriptionRequest checked(String model, byte[] audio, String filename, String language, String prompt,
                                                String responseFormat, String temperature) {
        if (model == null || model.isBlank()) {
            throw OpenAiException.invalidRequest("model", "you must provide a model parameter");
        }
        if (audio.length == 0) {
            throw OpenAiException.invalidRequest("file", "The audio file is empty.");
        }
        String format = responseFormat == null || responseFormat.isBlank() ? "json" : responseFormat;
        if (!TRANSCRIPT_FORMATS.contains(format)) {
            throw OpenAiException.invalidRequest("response_format", "'response_format' " + format
                    + " is not supported: use json, text or verbose_json (no subtitles: the backends give no timestamps).");
        }
        return new TranscriptionRequest(model, audio, filename, blankToNull(language), blankToNull(prompt), format, blankToNull(temperature));
    }

    /** Reads a speech request. */
    public SpeechRequest speech(String body) {
        ObjectNode root = json.readObject(body);
        String model = text(root.get("model"));
        if (model == null || model.isBlank()) {
            throw OpenAiException.invalidRequest("model", "you must provide a model parameter");
        }
        String input = text(root.get("input"));
        if (input == null || input.isBlank()) {
            throw OpenAiException.invalidRequest("input", "you must provide the input text to speak");
        }
        JsonNode speed = root.get("speed");
        if (speed != null && !speed.isNull() && (!speed.isNumber() || speed.asDouble() < 0.25 || speed.asDouble() > 4.0)) {
            throw OpenAiException.invalidRequest("speed", "'speed' must be a number from 0.25 to 4.0.");
        }
        return new SpeechRequest(model, input, blankToNull(text(root.get("voice"))), blankToNull(text(root.get("response_format"))),
                speed == null || speed.isNull() ? null : speed.asDouble(), root);
    }

    private static String field(HttpServletRequest request, String name) throws IOException, ServletException {
        Part part = request.getPart(name);
        return part == null ? null : new String(part.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    }

    private static String text(JsonNode node) {
        return node == null || node.isNull() ? null : node.isTextual() ? node.asText() : node.toString();
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.trim();
    }
}

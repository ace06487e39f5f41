package io.difygateway.errors;

import java.util.Map;

/**
 * A failure that the client sees as an OpenAI error object: HTTP status, {@code type}, {@code code},
 * {@code param} and a message that is safe to show (no secrets, no stack traces).
 */
public class OpenAiException extends RuntimeException {

    /**
     * Headers of an error where the backend may already have run (part of) the request: tells the OpenAI SDKs not
     * to send it again on their own, which would run it twice.
     */
    public static final Map<String, String> NO_RETRY = Map.of("x-should-retry", "false");

    private final int status;
    private final String type;
    private final String code;
    private final String param;
    private final Map<String, String> responseHeaders;

    public OpenAiException(int status, String type, String code, String param, String message,
                           Map<String, String> responseHeaders) {
        super(message);
        this.status = status;
        this.type = type;
        this.code = code;
        this.param = param;
        this.responseHeaders = responseHeaders == null ? Map.of() : Map.copyOf(responseHeaders);
    }

    public OpenAiException(int status, String type, String code, String param, String message) {
        this(status, type, code, param, message, Map.of());
    }

    /** 400 for a request the client must fix; {@code param} names the offending field. */
    public static OpenAiException invalidRequest(String param, String message) {
        return new OpenAiException(400, "invalid_request_error", param == null ? null : "invalid_value", param, message);
    }

    /** 400 for a model that does not do this kind of audio; {@code why} completes "Model 'x' does not speak: ...". */
    public static OpenAiException modelNotAudioCapable(String model, boolean transcription, String why) {
        return new OpenAiException(400, "invalid_request_error", "model_not_audio_capable", "model",
                "Model '" + model + "' does not " + (transcription ? "transcribe audio" : "speak") + ": " + why);
    }

    /** 404 for a model id that is not configured. */
    public static OpenAiException modelNotFound(String model) {
        return new OpenAiException(404, "invalid_request_error", "model_not_found", "model",
                "The model '" + model + "' does not exist or you do not have access to it.");
    }

    public int status() {
        return status;
    }

    public String type() {
        return type;
    }

    public String code() {
        return code;
    }

    public String param() {
        return param;
    }

    /** Extra headers for the HTTP error response, such as {@code Retry-After}. */
    public Map<String, String> responseHeaders() {
        return responseHeaders;
    }

    /** This error as the OpenAI wire object {@code {"error":{...}}}. */
    public OpenAiError toError() {
        return new OpenAiError(getMessage(), type, param, code);
    }
}

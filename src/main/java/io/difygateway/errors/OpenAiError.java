package io.difygateway.errors;

import com.fasterxml.jackson.annotation.JsonInclude;

/** The inner object of an OpenAI error body: {@code {"error":{"message","type","param","code"}}}. */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record OpenAiError(String message, String type, String param, String code) {

    /** The wrapper object that goes on the wire, as an HTTP body or as an in-stream chunk. */
    public Envelope envelope() {
        return new Envelope(this);
    }

    /** {@code {"error": ...}}. */
    public record Envelope(OpenAiError error) {
    }
}

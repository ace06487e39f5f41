package io.difygateway.sse;

/** An upstream event stream broke the framing rules (for example a line past the size limit). */
public class SseFormatException extends RuntimeException {
    public SseFormatException(String message) {
        super(message);
    }
}

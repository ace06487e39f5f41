package io.difygateway.sse;

/**
 * One Server-Sent Event: its {@code event:} field (null when absent) and its {@code data:} lines joined
 * with '\n' (null when the event had no data line, such as Dify's {@code event: ping}).
 */
public record SseEvent(String event, String data) {

    /** True for an event that carries no data, such as a keep-alive ping. */
    public boolean hasData() {
        return data != null;
    }
}

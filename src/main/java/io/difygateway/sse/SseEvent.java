package io.difygateway.sse;

/**
 * One Server-Sent Event: its {@code event:} field (null when absent), its {@code data:} lines joined with '\n' (null
 * when the event had no data line, such as Dify's {@code event: ping}) and its {@code id:} (null when absent: Dify's
 * replayable streams set it, the cursor to resume from).
 */
public record SseEvent(String event, String data, String id) {

    public SseEvent(String event, String data) {
        this(event, data, null);
    }

    /** True for an event that carries no data, such as a keep-alive ping. */
    public boolean hasData() {
        return data != null;
    }
}

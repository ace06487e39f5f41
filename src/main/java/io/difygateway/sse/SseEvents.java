package io.difygateway.sse;

import java.io.InputStream;

import io.difygateway.config.GatewayProperties;
import org.springframework.stereotype.Component;

/** Splits an upstream SSE body into events for the routes' streaming Splitter, and drops it on demand. */
@Component("sseEvents")
public class SseEvents {

    private final int maxLineBytes;

    public SseEvents(GatewayProperties properties) {
        this.maxLineBytes = (int) Math.min(Integer.MAX_VALUE - 8, properties.getUpstream().getMaxEventSize().toBytes());
    }

    /** An iterator over the events of an upstream body, for {@code split} with {@code streaming: true}. */
    public SseEventIterator iterate(InputStream body) {
        return new SseEventIterator(body, maxLineBytes);
    }

    /** Drops the upstream connection without draining it (client gone, or reading must stop). */
    public void abort(SseEventIterator events) {
        if (events != null) {
            events.abort();
        }
    }
}

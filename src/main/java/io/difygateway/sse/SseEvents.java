package io.difygateway.sse;

import java.io.InputStream;

import io.difygateway.config.GatewayProperties;
import io.difygateway.openai.ChatCompletion;
import org.springframework.stereotype.Component;

/** Splits an upstream SSE body into events for the routes' streaming Splitter, as long as the completion needs them. */
@Component("sseEvents")
public class SseEvents {

    private final int maxLineBytes;

    public SseEvents(GatewayProperties properties) {
        this.maxLineBytes = (int) Math.min(Integer.MAX_VALUE - 8, properties.getUpstream().getMaxEventSize().toBytes());
    }

    /**
     * The events of an upstream body, for {@code split} with {@code streaming: true}; the upstream connection is
     * dropped as soon as the completion is over (client gone, or failed).
     */
    public SseEventIterator iterate(InputStream body, ChatCompletion completion) {
        return new SseEventIterator(body, maxLineBytes, completion::isOver);
    }
}

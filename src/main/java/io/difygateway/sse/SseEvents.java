package io.difygateway.sse;

import java.io.InputStream;

import io.difygateway.config.GatewayProperties;
import io.difygateway.openai.ChatCompletion;
import org.springframework.stereotype.Component;

/**
 * Splits an upstream body (Server-Sent Events, or newline-delimited JSON) into events for the routes' streaming
 * Splitter, as long as the completion needs them: a building block for every backend route.
 */
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

    /** The same for a newline-delimited JSON body (NDJSON): each non-empty line is one event, its data the line. */
    public SseEventIterator lines(InputStream body, ChatCompletion completion) {
        return new SseEventIterator(body, maxLineBytes, completion::isOver, true);
    }
}

package io.difygateway.sse;

import java.io.InputStream;

import io.difygateway.completion.ChatCompletion;
import io.difygateway.config.GatewayProperties;
import org.springframework.stereotype.Component;

/**
 * Splits an upstream body (Server-Sent Events, or newline-delimited JSON) into events, as long as the completion
 * needs them, flushing the completion's writes whenever the next read would wait: a building block for every backend.
 */
@Component("sseEvents")
public class SseEvents {

    private final int maxLineBytes;

    public SseEvents(GatewayProperties properties) {
        this.maxLineBytes = (int) Math.min(Integer.MAX_VALUE - 8, properties.getUpstream().getMaxEventSize().toBytes());
    }

    /**
     * The events of an upstream Server-Sent Events body; the upstream connection is dropped as soon as the completion
     * is over (client gone, or failed).
     */
    public UpstreamEvents sse(InputStream body, ChatCompletion completion) {
        return new UpstreamEvents(body, maxLineBytes, completion::isOver, completion::flush, false);
    }

    /** The same for a newline-delimited JSON body (NDJSON): each non-empty line is one event, its data the line. */
    public UpstreamEvents ndjson(InputStream body, ChatCompletion completion) {
        return new UpstreamEvents(body, maxLineBytes, completion::isOver, completion::flush, true);
    }
}

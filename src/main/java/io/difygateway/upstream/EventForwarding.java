package io.difygateway.upstream;

import io.difygateway.completion.ChatCompletion;
import io.difygateway.sse.SseEvent;
import io.difygateway.sse.UpstreamEvents;

/**
 * Forwards an upstream event stream into a completion: each event is read as it arrives, mapped and written at once;
 * the writes are flushed whenever the next read would wait (the events' before-wait hook), and the upstream
 * connection is dropped as soon as the completion is over (client gone, failed, timed out) or anything fails.
 */
public final class EventForwarding {

    private EventForwarding() {
    }

    /** Reads, maps and writes every event until the stream ends or the completion is over. */
    public static void forward(UpstreamEvents events, EventMapper mapper, ChatCompletion completion) {
        try {
            SseEvent event;
            while ((event = events.next()) != null) {
                completion.accept(mapper.map(event));
            }
            completion.flush();
        } finally {
            events.abort(); // nothing to drop at the end of the stream: the connection went back to the pool
        }
    }
}

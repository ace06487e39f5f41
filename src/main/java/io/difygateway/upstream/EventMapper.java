package io.difygateway.upstream;

import java.util.List;

import io.difygateway.completion.CompletionEvent;
import io.difygateway.sse.SseEvent;

/** Translates one upstream event (SSE or an NDJSON line) into the completion events it means; one per request. */
@FunctionalInterface
public interface EventMapper {

    /** The completion events of one upstream event, in order; empty for an event that means nothing to the client. */
    List<CompletionEvent> map(SseEvent event);
}

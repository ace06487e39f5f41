package io.difygateway.sse;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.function.BooleanSupplier;

import org.apache.hc.core5.http.io.EofSensorInputStream;

/**
 * Reads the events of an upstream body (Server-Sent Events, or newline-delimited JSON) one at a time, as they arrive.
 *
 * <p>{@link #next()} blocks for one event and returns null at end of stream, or once the reader of the events is done
 * with them (the client left, or the completion failed or timed out): then the upstream connection is dropped without
 * draining it. Before a read that would wait for the network, the {@code beforeWait} hook runs (the completion's
 * flush).
 */
public final class UpstreamEvents {

    private final InputStream upstream;
    private final SseEventReader reader;
    private final BooleanSupplier consumerDone;
    private final boolean lines;
    private volatile boolean finished;

    /**
     * @param consumerDone true once nobody needs further events; checked before each read
     * @param beforeWait   run before each read that would wait for more upstream bytes
     * @param lines        true for a newline-delimited stream (NDJSON): each non-empty line is one event's data
     */
    public UpstreamEvents(InputStream upstream, int maxLineBytes, BooleanSupplier consumerDone, Runnable beforeWait, boolean lines) {
        this.upstream = upstream;
        this.reader = new SseEventReader(upstream, maxLineBytes, beforeWait);
        this.consumerDone = consumerDone;
        this.lines = lines;
    }

    /** Blocks for the next event; null at end of stream or once the consumer is done (the connection is dropped). */
    public SseEvent next() {
        if (!finished && consumerDone.getAsBoolean()) {
            abort();
        }
        if (finished) {
            return null;
        }
        try {
            SseEvent event = lines ? line(reader.nextLine()) : reader.next();
            if (event == null) {
                finished = true;
            }
            return event;
        } catch (IOException e) {
            abort();
            if (consumerDone.getAsBoolean()) {
                return null; // dropped because the consumer is done (timeout, client gone): nothing went wrong here
            }
            throw new UncheckedIOException(e);
        } catch (RuntimeException e) {
            abort(); // a bad event, or the flush before a wait found the client gone: the rest is not read
            throw e;
        }
    }

    private static SseEvent line(String text) {
        return text == null ? null : new SseEvent(null, text);
    }

    /** Ends the events and drops the upstream connection at once: a plain close would drain it to the end. */
    public void abort() {
        if (!finished) {
            finished = true;
            abort(upstream);
        }
    }

    /** Drops the connection behind an Apache HttpClient response stream, or closes any other stream. */
    public static void abort(InputStream stream) {
        try {
            if (stream instanceof EofSensorInputStream sensor) {
                sensor.abort();
            } else if (stream != null) {
                stream.close();
            }
        } catch (IOException ignored) {
            // the connection is being thrown away; nothing useful to do with a failure to close it
        }
    }
}

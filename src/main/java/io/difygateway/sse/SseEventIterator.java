package io.difygateway.sse;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.function.BooleanSupplier;

import org.apache.hc.core5.http.io.EofSensorInputStream;

/**
 * Iterates the events of an upstream SSE stream for Camel's streaming Splitter.
 *
 * <p>{@link #hasNext()} never blocks: it answers "not yet at end of stream", because the Splitter calls it
 * right after {@link #next()} and a blocking look-ahead would hold every event back until the following
 * one arrived. {@link #next()} blocks for one event and returns null at end of stream (the Splitter skips
 * null parts). Once the reader of the events is done with them (the client left, or the backend failed),
 * {@code hasNext()} answers false and drops the upstream connection without draining it: Camel's Splitter
 * walks the remaining parts when it finishes, which would otherwise read the whole upstream answer.
 */
public final class SseEventIterator implements Iterator<SseEvent>, Closeable {

    private final InputStream upstream;
    private final SseEventReader reader;
    private final BooleanSupplier consumerDone;
    private final boolean lines;
    private volatile boolean finished;

    /**
     * @param consumerDone true once nobody needs further events; checked before each read
     */
    public SseEventIterator(InputStream upstream, int maxLineBytes, BooleanSupplier consumerDone) {
        this(upstream, maxLineBytes, consumerDone, false);
    }

    /**
     * @param lines true for a newline-delimited stream (NDJSON): each non-empty line is one event's data
     */
    public SseEventIterator(InputStream upstream, int maxLineBytes, BooleanSupplier consumerDone, boolean lines) {
        this.upstream = upstream;
        this.reader = new SseEventReader(upstream, maxLineBytes);
        this.consumerDone = consumerDone;
        this.lines = lines;
    }

    @Override
    public boolean hasNext() {
        if (!finished && consumerDone.getAsBoolean()) {
            abort();
        }
        return !finished;
    }

    @Override
    public SseEvent next() {
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
            finished = true;
            if (consumerDone.getAsBoolean()) {
                return null; // dropped because the consumer is done (timeout, client gone): nothing went wrong here
            }
            throw new UncheckedIOException(e);
        } catch (RuntimeException e) {
            finished = true;
            throw e;
        }
    }

    private static SseEvent line(String text) {
        return text == null ? null : new SseEvent(null, text);
    }

    /** Ends the iteration and drops the upstream connection at once: a plain close would drain it to the end. */
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

    /** Called by the Splitter when it is done; at end of stream the connection is already released. */
    @Override
    public void close() {
        abort();
    }
}

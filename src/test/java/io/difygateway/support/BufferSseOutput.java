package io.difygateway.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

import io.difygateway.completion.SseOutput;

/** Collects a streamed completion in memory; can fail like a client that went away after N writes. */
public final class BufferSseOutput implements SseOutput {

    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final int failAfterWrites;
    private int writes;
    private boolean begun;
    private boolean closed;
    private int flushes;

    public BufferSseOutput() {
        this(Integer.MAX_VALUE);
    }

    public BufferSseOutput(int failAfterWrites) {
        this.failAfterWrites = failAfterWrites;
    }

    @Override
    public void begin() {
        if (begun) {
            throw new IllegalStateException("begun twice");
        }
        begun = true;
    }

    @Override
    public void write(byte[] data) throws IOException {
        if (!begun || closed) {
            throw new IllegalStateException("write outside the response");
        }
        if (writes++ >= failAfterWrites) {
            throw new IOException("Broken pipe");
        }
        bytes.writeBytes(data);
    }

    @Override
    public void flush() {
        flushes++;
    }

    /** How often the completion flushed its writes. */
    public int flushes() {
        return flushes;
    }

    @Override
    public void close() {
        closed = true;
    }

    public boolean isBegun() {
        return begun;
    }

    public boolean isClosed() {
        return closed;
    }

    public String text() {
        return bytes.toString(StandardCharsets.UTF_8);
    }
}

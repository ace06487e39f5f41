package io.difygateway.support;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/** An upstream body that repeats one frame forever, one frame per read, with nothing ever already available; records closing. */
public final class RepeatingStream extends InputStream {

    private final byte[] frame;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicInteger reads = new AtomicInteger();

    public RepeatingStream(String frame) {
        this.frame = frame.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public int read() {
        return frame[0];
    }

    @Override
    public int read(byte[] b, int off, int len) {
        reads.incrementAndGet();
        int n = Math.min(len, frame.length);
        System.arraycopy(frame, 0, b, off, n);
        return n;
    }

    @Override
    public int available() {
        return 0;
    }

    @Override
    public void close() {
        closed.set(true);
    }

    public boolean isClosed() {
        return closed.get();
    }

    public int reads() {
        return reads.get();
    }
}

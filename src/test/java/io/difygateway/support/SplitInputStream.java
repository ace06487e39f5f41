package io.difygateway.support;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.util.Random;

/** Serves bytes in small pieces, as a network might: at most {@code maxPiece} bytes per read, sizes from a seed. */
public final class SplitInputStream extends InputStream {

    private final ByteArrayInputStream bytes;
    private final Random random;
    private final int maxPiece;

    public SplitInputStream(byte[] data, int maxPiece, long seed) {
        this.bytes = new ByteArrayInputStream(data);
        this.random = new Random(seed);
        this.maxPiece = maxPiece;
    }

    @Override
    public int read() {
        return bytes.read();
    }

    @Override
    public int read(byte[] b, int off, int len) {
        int piece = 1 + random.nextInt(maxPiece);
        return bytes.read(b, off, Math.min(len, piece));
    }
}

package io.difygateway.sse;

import java.io.IOException;
import java.io.InputStream;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

import org.apache.hc.core5.http.impl.io.ChunkedInputStream;
import org.apache.hc.core5.http.io.EofSensorInputStream;
import org.apache.hc.core5.http.io.SessionInputBuffer;

/**
 * Counts the bytes an upstream body can give without waiting for the network, including the next chunks that Apache
 * HttpClient has already buffered: its chunk decoder's {@code available()} stops at the end of the current chunk, and
 * an upstream that writes one chunk per event (Dify, the OpenAI API, Ollama) ends every event there, so
 * {@code available()} alone would report 0 after each event even in a burst.
 *
 * <p>The decoder's buffer and socket stream are read through private fields of httpcore5 (5.3): if a later version renames it, the count
 * falls back to {@code available()}, which only costs one flush per event, and {@code ReadyBytesTest} fails.
 */
final class ReadyBytes {

    /** The CRLF that ends the chunk just read, still in the buffer: bytes, but no event data. */
    private static final int CHUNK_END = 2;
    private static final VarHandle SENSOR_STREAM = field(EofSensorInputStream.class, "wrappedStream", InputStream.class);
    private static final VarHandle CHUNK_BUFFER = field(ChunkedInputStream.class, "buffer", SessionInputBuffer.class);
    private static final VarHandle CHUNK_SOCKET = field(ChunkedInputStream.class, "inputStream", InputStream.class);

    private ReadyBytes() {
    }

    /** Bytes readable from {@code in} without blocking (an estimate, as {@code available()} is). */
    static int count(InputStream in) throws IOException {
        int available = in.available();
        if (available > 0) {
            return available;
        }
        if (!seesChunkBuffers()) {
            return 0;
        }
        InputStream decoded = in instanceof EofSensorInputStream sensor ? (InputStream) SENSOR_STREAM.get(sensor) : in;
        if (!(decoded instanceof ChunkedInputStream chunked)) {
            return 0;
        }
        // beyond the end of this chunk: what the decoder read from the socket, then what the socket itself holds
        int buffered = ((SessionInputBuffer) CHUNK_BUFFER.get(chunked)).length() - CHUNK_END;
        return buffered > 0 ? buffered : Math.max(0, buffered + ((InputStream) CHUNK_SOCKET.get(chunked)).available());
    }

    /** True if the count sees through httpcore5's chunk decoding (false: it falls back to {@code available()}). */
    static boolean seesChunkBuffers() {
        return SENSOR_STREAM != null && CHUNK_BUFFER != null && CHUNK_SOCKET != null;
    }

    private static VarHandle field(Class<?> owner, String name, Class<?> type) {
        try {
            return MethodHandles.privateLookupIn(owner, MethodHandles.lookup()).findVarHandle(owner, name, type);
        } catch (ReflectiveOperationException | RuntimeException changed) {
            return null;
        }
    }
}

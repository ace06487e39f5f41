package io.difygateway.completion;

import java.io.IOException;

/** Where a streamed completion goes: an HTTP response in production, a buffer in tests. */
public interface SseOutput {

    /** Sends status 200 and the event-stream headers; called once, before the first write. */
    void begin() throws IOException;

    /** Writes bytes; they may stay in the response buffer until {@link #flush()}. */
    void write(byte[] bytes) throws IOException;

    /** Sends what was written to the client. */
    void flush() throws IOException;

    /** Ends the response body so the client sees the end of the stream. */
    void close() throws IOException;
}

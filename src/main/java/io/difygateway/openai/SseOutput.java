package io.difygateway.openai;

import java.io.IOException;

/** Where a streamed completion goes: an HTTP response in production, a buffer in tests. */
public interface SseOutput {

    /** Sends status 200 and the event-stream headers; called once, before the first write. */
    void begin() throws IOException;

    /** Writes bytes and flushes them to the client. */
    void write(byte[] bytes) throws IOException;

    /** Ends the response body so the client sees the end of the stream. */
    void close() throws IOException;
}

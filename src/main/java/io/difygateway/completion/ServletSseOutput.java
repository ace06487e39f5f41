package io.difygateway.completion;

import java.io.IOException;

import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.http.HttpServletResponse;

/** Writes a streamed completion to the servlet response, flushed when the completion says so. */
public final class ServletSseOutput implements SseOutput {

    private final HttpServletResponse response;
    private ServletOutputStream out;

    public ServletSseOutput(HttpServletResponse response) {
        this.response = response;
    }

    @Override
    public void begin() throws IOException {
        response.setStatus(200);
        response.setContentType("text/event-stream");
        response.setCharacterEncoding("UTF-8");
        response.setHeader("Cache-Control", "no-cache");
        // nginx and similar proxies would otherwise buffer the stream
        response.setHeader("X-Accel-Buffering", "no");
        // no flush of the headers on their own: they go out with the first chunks, at the completion's next flush
        out = response.getOutputStream();
    }

    @Override
    public void write(byte[] bytes) throws IOException {
        out.write(bytes);
    }

    @Override
    public void flush() throws IOException {
        out.flush();
    }

    @Override
    public void close() throws IOException {
        out.close();
    }
}

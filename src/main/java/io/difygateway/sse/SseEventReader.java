package io.difygateway.sse;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Reads Server-Sent Events from a byte stream, one event per call, as the WHATWG event-stream rules say (or plain
 * lines, for newline-delimited JSON streams).
 *
 * <p>Lines end with LF, CRLF or CR; bytes are buffered up to a line end before they are decoded, so an
 * event split anywhere by the network (even inside a multi-byte UTF-8 character) decodes intact. Comment
 * lines (starting with ':') and unknown fields are ignored; an event still pending at end of stream
 * (no trailing blank line) is returned. Not thread-safe: one reader per stream.
 *
 * <p>Before a read that would wait for the network (nothing left in its buffer and nothing {@link ReadyBytes} on
 * the stream) it runs the {@code beforeWait} hook: the place to flush what was written from the events already read,
 * so a burst of events costs one flush and a slow stream still gets every event at once.
 */
public final class SseEventReader {

    private static final int READ_CHUNK = 8192;

    private final InputStream in;
    private final int maxLineBytes;
    private final Runnable beforeWait;
    private final byte[] chunk = new byte[READ_CHUNK];
    private int chunkPos;
    private int chunkLen;
    private byte[] line = new byte[256];
    private int lineLen;
    private boolean previousWasCr;
    private boolean eof;

    private String eventField;

    private String idField;
    private StringBuilder data;

    /**
     * @param in           the stream to read; the caller owns it and closes or aborts it
     * @param maxLineBytes longest line accepted; a longer one fails with {@link SseFormatException}
     */
    public SseEventReader(InputStream in, int maxLineBytes) {
        this(in, maxLineBytes, () -> { });
    }

    /**
     * @param beforeWait run before each read that would wait for more bytes from the network
     */
    public SseEventReader(InputStream in, int maxLineBytes, Runnable beforeWait) {
        this.in = in;
        this.maxLineBytes = maxLineBytes;
        this.beforeWait = beforeWait;
    }

    /** Blocks until the next complete event is read; returns null at end of stream. */
    public SseEvent next() throws IOException {
        String text;
        while ((text = readLine()) != null) {
            if (text.isEmpty()) {
                SseEvent event = dispatch();
                if (event != null) {
                    return event;
                }
            } else {
                processField(text);
            }
        }
        return dispatch();
    }

    /** Blocks until the next non-empty line, for newline-delimited JSON streams; null at end of stream. */
    public String nextLine() throws IOException {
        String text;
        while ((text = readLine()) != null) {
            if (!text.isBlank()) {
                return text;
            }
        }
        return null;
    }

    private void processField(String text) {
        if (text.charAt(0) == ':') {
            return;
        }
        int colon = text.indexOf(':');
        String field = colon < 0 ? text : text.substring(0, colon);
        String value = "";
        if (colon >= 0) {
            int start = colon + 1;
            if (start < text.length() && text.charAt(start) == ' ') {
                start++;
            }
            value = text.substring(start);
        }
        switch (field) {
            case "data" -> {
                if (data == null) {
                    data = new StringBuilder(value.length());
                } else {
                    data.append('\n');
                }
                data.append(value);
            }
            case "event" -> eventField = value;
            case "id" -> idField = value;
            default -> { /* retry and unknown fields carry nothing we use */ }
        }
    }

    private SseEvent dispatch() {
        if (eventField == null && data == null) {
            return null;
        }
        SseEvent event = new SseEvent(eventField, data == null ? null : data.toString(), idField);
        eventField = null;
        data = null;
        idField = null;
        return event;
    }

    /** Returns the next line without its terminator, or null at end of stream. */
    private String readLine() throws IOException {
        lineLen = 0;
        while (true) {
            if (chunkPos == chunkLen) {
                if (eof) {
                    return lineLen > 0 ? decodeLine() : null;
                }
                if (nothingAvailable()) {
                    beforeWait.run();
                }
                chunkLen = in.read(chunk, 0, chunk.length);
                chunkPos = 0;
                if (chunkLen <= 0) {
                    chunkLen = 0;
                    eof = true;
                    continue;
                }
            }
            if (previousWasCr) {
                previousWasCr = false;
                if (chunk[chunkPos] == '\n') {
                    chunkPos++;
                    continue; // second half of CRLF
                }
            }
            int end = chunkPos;
            while (end < chunkLen && chunk[end] != '\n' && chunk[end] != '\r') {
                end++;
            }
            append(chunkPos, end);
            if (end == chunkLen) {
                chunkPos = end;
                continue; // the line goes on in the next chunk
            }
            previousWasCr = chunk[end] == '\r';
            chunkPos = end + 1;
            return decodeLine();
        }
    }

    private boolean nothingAvailable() {
        try {
            return ReadyBytes.count(in) <= 0;
        } catch (IOException unknown) {
            return true; // the read that follows reports the failure
        }
    }

    /** Adds {@code chunk[from, to)} to the line being read. */
    private void append(int from, int to) {
        int length = to - from;
        if (lineLen + length > line.length) {
            if (lineLen + length > maxLineBytes) {
                throw new SseFormatException("an event-stream line is longer than " + maxLineBytes + " bytes");
            }
            line = Arrays.copyOf(line, Math.min(maxLineBytes, Math.max(line.length * 2, lineLen + length)));
        }
        System.arraycopy(chunk, from, line, lineLen, length);
        lineLen += length;
    }

    private String decodeLine() {
        return new String(line, 0, lineLen, StandardCharsets.UTF_8);
    }
}

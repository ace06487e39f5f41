package io.difygateway.completion;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.difygateway.errors.OpenAiException;

/**
 * One chat completion in progress, the stream's state: turns backend-neutral {@link CompletionEvent}s into OpenAI
 * {@code chat.completion.chunk}s written as they arrive (streaming), or into one {@code chat.completion}
 * (non-streaming); the {@link CompletionFormat} makes the bytes ({@link ChunkEncoder} for chat completions,
 * {@link ResponseEncoder} for the Responses API). Sends the format's start first and ends with its finish.
 *
 * <p>The response is committed lazily, on the first thing there is to send, so that failures before
 * that still become real HTTP errors. Reasoning goes to {@code reasoning_content}, into {@code <think>} tags in the
 * content, or nowhere, as the model is configured. A replaced answer that differs from what was sent is appended
 * after a notice (a stream cannot take text back); a non-streamed answer simply becomes the replacement. Long texts
 * are cut into several chunks so that no SSE line gets near Open WebUI's 128 KiB line limit.
 * Methods are synchronized: keep-alives may come from another thread.
 */
public final class ChatCompletion {

    private static final String STOP = "stop";
    /** Longest text in one chunk, in chars (the encoder's). */
    static final int MAX_CHUNK_TEXT = ChunkEncoder.MAX_CHUNK_TEXT;
    static final String REPLACED_NOTICE = "\n\n---\n\n*The app replaced its answer with:*\n\n";
    private static final String THINK_OPEN = "<think>\n";
    private static final String THINK_CLOSE = "\n</think>\n\n";

    private final String id;
    private final String model;
    private final boolean streaming;
    private final ReasoningMode reasoningMode;
    private final SseOutput output;
    private final CompletionFormat format;
    private String finishReason = STOP;

    /** The answer as the client knows it, for replacements; for non-streamed completions, the content. */
    private final StringBuilder answer = new StringBuilder();
    private final StringBuilder reasoning = new StringBuilder();
    private boolean insideThinkTag;
    private CompletionEvent.Usage usage;
    /** The tool calls the model made, in the order they started (OpenAI's index is the position). */
    private final List<ToolCallState> toolCalls = new ArrayList<>(0);
    private OpenAiException failure;
    private String upstreamTaskId;
    private String upstreamConversationId;
    /** Everything sent as content, as the client will show (and later resend) it. */
    private final StringBuilder sentContent = new StringBuilder();
    private final long startNanos = System.nanoTime();
    private long firstTokenNanos;
    private volatile long lastUpstreamEventNanos;
    private volatile long lastWriteNanos;
    private boolean committed;
    private boolean ended;
    /** Written since the last flush. */
    private boolean unflushed;
    private boolean clientGone;
    private boolean timedOut;
    /** Whether the backend route fed any event at all. */
    private boolean fed;

    /**
     * @param output where chunks go when streaming; unused (may be null) otherwise
     */
    public ChatCompletion(String id, long created, String model, boolean streaming, boolean includeUsage,
                          ReasoningMode reasoningMode, SseOutput output, ObjectMapper json) {
        this(id, model, streaming, reasoningMode, output, new ChunkEncoder(id, created, model, includeUsage, json));
    }

    /**
     * A completion written in another format (a response of the Responses API).
     *
     * @param output where the format's frames go when streaming; unused (may be null) otherwise
     */
    public ChatCompletion(String id, String model, boolean streaming, ReasoningMode reasoningMode, SseOutput output, CompletionFormat format) {
        this.id = id;
        this.model = model;
        this.streaming = streaming;
        this.reasoningMode = reasoningMode;
        this.output = output;
        this.format = format;
    }

    public String id() {
        return id;
    }

    public String model() {
        return model;
    }

    public boolean isStreaming() {
        return streaming;
    }

    /** True once the first byte of a streamed response went out: errors must then be sent as chunks. */
    public synchronized boolean isCommitted() {
        return committed;
    }

    /** The backend's id for this run (Dify {@code task_id}), once it is known. */
    public synchronized String upstreamTaskId() {
        return upstreamTaskId;
    }

    /** The backend's conversation this completion belongs to, once it is known. */
    public synchronized String upstreamConversationId() {
        return upstreamConversationId;
    }

    /**
     * The content as the client has it once the completion finished: what was streamed, or the non-streamed
     * answer (reasoning in think tags included, which clients resend and history matching strips).
     */
    public synchronized String clientContent() {
        return streaming ? sentContent.toString() : content();
    }

    /** True when the completion failed or its client left: nothing about it should be remembered. */
    public synchronized boolean hasFailed() {
        return failure != null || clientGone;
    }

    /**
     * True when the backend may still be working for nobody: the client left, or a deadline passed. Only then is
     * a backend's stop endpoint called; a backend that reported its own error has already stopped.
     */
    public synchronized boolean isAbandoned() {
        return clientGone || timedOut;
    }

    public synchronized boolean isClientGone() {
        return clientGone;
    }

    /** True once no further backend event can change the response: ended, failed, or the client is gone. */
    public synchronized boolean isOver() {
        return ended || clientGone || failure != null;
    }

    /** Applies the events mapped from one backend event, writing whatever they produce. */
    public synchronized void accept(List<CompletionEvent> events) {
        lastUpstreamEventNanos = System.nanoTime();
        fed = true;
        for (CompletionEvent event : events) {
            accept(event);
        }
    }

    /** Applies one event. */
    public synchronized void accept(CompletionEvent event) {
        fed = true;
        if (ended || failure != null) {
            return;
        }
        if (event instanceof CompletionEvent.Text text) {
            content(text.text());
        } else if (event instanceof CompletionEvent.Reasoning thought) {
            reasoning(thought.text());
        } else if (event instanceof CompletionEvent.ReplaceAnswer replacement) {
            replace(replacement.text());
        } else if (event instanceof CompletionEvent.Usage reported) {
            usage = reported;
        } else if (event instanceof CompletionEvent.TokenCounts counts) {
            usage = CompletionEvent.Usage.merge(usage, counts);
        } else if (event instanceof CompletionEvent.ToolCall call) {
            toolCall(call);
        } else if (event instanceof CompletionEvent.Finish finish) {
            finishReason = finish.reason();
        } else if (event instanceof CompletionEvent.KeepAlive) {
            // a backend's own keep-alive (Dify pings first thing on its event bus) must not commit the response: an early
            // failure stays a real HTTP error; a long silence before any content is the watchdog's to bridge
            if (committed) {
                keepAlive();
            }
        } else if (event instanceof CompletionEvent.UpstreamIds ids) {
            if (upstreamTaskId == null) {
                upstreamTaskId = ids.taskId();
            }
            if (upstreamConversationId == null) {
                upstreamConversationId = ids.conversationId();
            }
        } else if (event instanceof CompletionEvent.Failure failed) {
            fail(failed.error());
        }
    }

    private void content(String text) {
        if (text.isEmpty()) {
            return;
        }
        firstToken();
        answer.append(text);
        if (streaming) {
            if (insideThinkTag) {
                insideThinkTag = false;
                sendDelta("content", THINK_CLOSE);
            }
            sendDelta("content", text);
        }
    }

    private void reasoning(String text) {
        if (text.isEmpty() || reasoningMode == ReasoningMode.OFF) {
            return;
        }
        firstToken();
        if (!streaming) {
            reasoning.append(text);
        } else if (reasoningMode == ReasoningMode.REASONING_CONTENT) {
            sendDelta("reasoning_content", text);
        } else {
            if (!insideThinkTag) {
                insideThinkTag = true;
                sendDelta("content", THINK_OPEN);
            }
            sendDelta("content", text);
        }
    }

    /** One tool call being assembled: the backend's key for it, its id and name, its arguments so far. */
    private static final class ToolCallState {
        final String key;
        final String id;
        final String name;
        final StringBuilder arguments = new StringBuilder();

        ToolCallState(String key, String id, String name) {
            this.key = key;
            this.id = id;
            this.name = name;
        }
    }

    private void toolCall(CompletionEvent.ToolCall piece) {
        int index = toolCallIndex(piece);
        ToolCallState call;
        boolean first = index == toolCalls.size();
        if (first) {
            // a made-up id is unique per completion, and the same in every replay of it
            call = new ToolCallState(piece.key(), piece.id() != null && !piece.id().isBlank() ? piece.id()
                    : "call_" + id.substring(id.indexOf('-') + 1) + "_" + index, piece.name() == null ? "" : piece.name());
            toolCalls.add(call);
        } else {
            call = toolCalls.get(index);
        }
        String arguments = piece.arguments() == null ? "" : piece.arguments();
        if (!first && arguments.isEmpty()) {
            return;
        }
        call.arguments.append(arguments);
        firstToken();
        if (streaming) {
            commit();
            if (insideThinkTag) {
                insideThinkTag = false;
                sendDelta("content", THINK_CLOSE);
            }
            format.toolCall(index, first ? call.id : null, first ? call.name : null, arguments, this::send);
        }
    }

    /** The OpenAI index of a tool-call piece: that of its key, or a new call (a piece without key that names a function). */
    private int toolCallIndex(CompletionEvent.ToolCall piece) {
        if (piece.key() != null) {
            for (int i = 0; i < toolCalls.size(); i++) {
                if (piece.key().equals(toolCalls.get(i).key)) {
                    return i;
                }
            }
            return toolCalls.size();
        }
        boolean starts = piece.name() != null && !piece.name().isBlank();
        return starts || toolCalls.isEmpty() ? toolCalls.size() : toolCalls.size() - 1;
    }

    private void replace(String replacement) {
        if (replacement.contentEquals(answer)) {
            return; // moderation that flagged nothing repeats the answer
        }
        if (streaming) {
            content(REPLACED_NOTICE);
            content(replacement);
        }
        answer.setLength(0);
        answer.append(replacement);
    }

    /** Writes a delta with one text field, in several chunks when the text is long. */
    private void sendDelta(String field, String text) {
        commit();
        if ("content".equals(field)) {
            sentContent.append(text);
        }
        format.text(field, text, this::send);
    }

    private void firstToken() {
        if (firstTokenNanos == 0) {
            firstTokenNanos = System.nanoTime();
        }
    }

    private void keepAlive() {
        if (streaming) {
            commit();
            send(ChunkEncoder.KEEP_ALIVE);
            flush();
        }
    }

    /**
     * Sends what was written since the last flush to the client. The backend's event reader calls it whenever its next
     * read would wait, so a burst of upstream events costs one flush and no event waits for a later one.
     */
    public synchronized void flush() {
        if (!unflushed || ended) {
            return;
        }
        unflushed = false;
        try {
            output.flush();
        } catch (IOException e) {
            throw disconnected(e);
        }
    }

    /**
     * Sends an SSE comment while the backend is silent, so that clients and proxies keep the connection and a
     * vanished client is noticed (the write fails). Commits the response if nothing was sent yet.
     */
    public synchronized void sendKeepAlive() {
        if (!isOver()) {
            keepAlive();
        }
    }

    /** Nanos ({@link System#nanoTime()}) when the completion started. */
    public long startNanos() {
        return startNanos;
    }

    /** Nanos of the last backend event, or 0 before the first one. */
    public long lastUpstreamEventNanos() {
        return lastUpstreamEventNanos;
    }

    /** Nanos of the last write to the client, or 0 before the first one. */
    public long lastWriteNanos() {
        return lastWriteNanos;
    }

    /** Time from the start to the first answer or reasoning text, or null when there was none. */
    public synchronized java.time.Duration timeToFirstToken() {
        return firstTokenNanos == 0 ? null : java.time.Duration.ofNanos(firstTokenNanos - startNanos);
    }

    /** The usage the backend reported, or null. */
    public synchronized CompletionEvent.Usage usage() {
        return usage;
    }

    /** The failure that ended the completion, or null. */
    public synchronized OpenAiException failure() {
        return failure;
    }

    /**
     * Records a failure. A committed stream gets one error chunk and {@code [DONE]} right away; otherwise the
     * failure is thrown by {@link #finish()} (or by the caller) as an HTTP error.
     */
    public synchronized void fail(OpenAiException error) {
        if (ended || failure != null) {
            return;
        }
        failure = error;
        if (committed && !clientGone) {
            format.error(error, this::send);
            end();
        }
    }

    /** Records that a deadline passed (the stream watchdog): a failure after which the backend should be stopped. */
    public synchronized void timeOut(OpenAiException error) {
        if (!isOver()) {
            timedOut = true;
            fail(error);
        }
    }

    /**
     * Ends the completion once the backend stream is over. Streaming: writes the finish chunk, the usage chunk
     * when asked for, {@code [DONE]}, and closes the response; returns null. Non-streaming: returns the
     * {@code chat.completion} JSON. Throws the recorded failure when nothing was sent yet.
     */
    public synchronized String finish() {
        if (clientGone || ended) {
            return null;
        }
        if (failure != null) {
            throw failure;
        }
        if (!fed) {
            throw new OpenAiException(502, "server_error", "backend_no_answer", null,
                    "The backend of model '" + model + "' ended without sending anything: its route fed no events to the answer.");
        }
        if (!toolCalls.isEmpty() && STOP.equals(finishReason)) {
            finishReason = "tool_calls"; // backends that end a tool turn like any other (Ollama)
        }
        if (!streaming) {
            if (answer.isEmpty() && toolCalls.isEmpty()) {
                throw new OpenAiException(502, "server_error", "empty_answer", null,
                        "The backend of model '" + model + "' finished without an answer.");
            }
            boolean reasoningField = reasoningMode == ReasoningMode.REASONING_CONTENT && !reasoning.isEmpty();
            return format.body(content(), reasoningField ? reasoning.toString() : null,
                    toolCalls.stream().map(call -> new CompletionFormat.ToolCallBody(call.id, call.name, call.arguments.toString())).toList(),
                    finishReason, usage);
        }
        commit();
        if (insideThinkTag) {
            insideThinkTag = false;
            sendDelta("content", THINK_CLOSE);
        }
        format.finish(finishReason, usage, this::send);
        end();
        return null;
    }

    private void commit() {
        if (committed) {
            return;
        }
        committed = true;
        try {
            output.begin();
        } catch (IOException e) {
            throw disconnected(e);
        }
        format.start(this::send);
    }

    private void end() {
        ended = true;
        try {
            output.close();
        } catch (IOException e) {
            clientGone = true;
        }
    }

    private void send(byte[] bytes) {
        lastWriteNanos = System.nanoTime();
        unflushed = true;
        try {
            output.write(bytes);
        } catch (IOException e) {
            throw disconnected(e);
        }
    }

    private ClientDisconnectedException disconnected(IOException cause) {
        clientGone = true;
        ended = true;
        return new ClientDisconnectedException(cause);
    }

    /** The non-streamed content: the answer, after the reasoning in think tags when so configured. */
    private String content() {
        boolean thinkTags = reasoningMode == ReasoningMode.THINK_TAGS && !reasoning.isEmpty();
        return thinkTags ? THINK_OPEN + reasoning.toString().strip() + THINK_CLOSE + answer : answer.toString();
    }
}

package io.difygateway.completion;

import java.util.List;
import java.util.function.Consumer;

import io.difygateway.errors.OpenAiException;

/**
 * How a completion's parts are written for one API: chat completions ({@link ChunkEncoder}: {@code chat.completion.chunk}
 * events, the {@code chat.completion} body) or responses ({@link ResponseEncoder}: {@code response.*} events, the
 * {@code response} object). {@link ChatCompletion} keeps the stream's state and calls these in order: start once, then
 * text and tool-call pieces, then finish (or error), then end.
 */
public interface CompletionFormat {

    /** One tool call of the whole answer. */
    record ToolCallBody(String id, String name, String arguments) {
    }

    /** What is sent first, once the response is committed. */
    void start(Consumer<byte[]> sink);

    /** A piece of text of one kind: {@code content} (the answer) or {@code reasoning_content}. */
    void text(String field, String text, Consumer<byte[]> sink);

    /** A piece of a tool call: its index, and on its first piece its id and function name, with a piece of arguments. */
    void toolCall(int index, String id, String name, String arguments, Consumer<byte[]> sink);

    /** The normal end: why it ended, the usage (null when unknown; sent when asked for), then the format's last frame. */
    void finish(String finishReason, CompletionEvent.Usage usage, Consumer<byte[]> sink);

    /** A failure once the response started, then the format's last frame. */
    void error(OpenAiException error, Consumer<byte[]> sink);

    /** The body of a non-streamed answer. */
    String body(String content, String reasoningContent, List<ToolCallBody> toolCalls, String finishReason, CompletionEvent.Usage usage);
}

package io.difygateway.completion;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.difygateway.errors.OpenAiException;

/**
 * One completion's parts → OpenAI's wire format: {@code chat.completion.chunk} Server-Sent Events (the same id,
 * created time and model on each) and the {@code chat.completion} body. Holds no state of the answer; the frames of a
 * delta are built from precomputed prefix and suffix strings, so an event costs one string build and one encoding.
 */
public final class ChunkEncoder implements CompletionFormat {

    /** The stream's last frame. */
    static final byte[] DONE = "data: [DONE]\n\n".getBytes(StandardCharsets.US_ASCII);
    /** An SSE comment: keeps proxies and clients from timing out while the backend is silent. */
    static final byte[] KEEP_ALIVE = ": keep-alive\n\n".getBytes(StandardCharsets.US_ASCII);
    /** Longest text in one chunk, in chars (at most 4 UTF-8 bytes each, plus JSON escaping). */
    static final int MAX_CHUNK_TEXT = 8192;

    private final String id;
    private final long created;
    private final String model;
    private final ObjectMapper json;
    private final String chunkPrefix;
    private final String chunkSuffix;
    private final String usageField;
    private final boolean includeUsage;

    /** @param includeUsage the client asked for usage: every chunk has {@code "usage":null}, a usage chunk comes last */
    public ChunkEncoder(String id, long created, String model, boolean includeUsage, ObjectMapper json) {
        this.id = id;
        this.created = created;
        this.model = model;
        this.json = json;
        this.chunkPrefix = "data: {\"id\":" + quote(id) + ",\"object\":\"chat.completion.chunk\",\"created\":" + created
                + ",\"model\":" + quote(model) + ",\"choices\":[{\"index\":0,\"delta\":";
        this.includeUsage = includeUsage;
        this.usageField = includeUsage ? ",\"usage\":null" : "";
        this.chunkSuffix = ",\"logprobs\":null,\"finish_reason\":null}]" + usageField + "}\n\n";
    }

    /** The first chunk: the assistant's role with empty content. */
    @Override
    public void start(Consumer<byte[]> sink) {
        sink.accept(utf8(chunkPrefix + "{\"role\":\"assistant\",\"content\":\"\"}" + chunkSuffix));
    }

    /** The chunks of a delta with one text field ({@code content}, {@code reasoning_content}), cut at MAX_CHUNK_TEXT. */
    @Override
    public void text(String field, String text, Consumer<byte[]> sink) {
        String key = "{\"" + field + "\":";
        for (int start = 0; start < text.length(); ) {
            int end = Math.min(text.length(), start + MAX_CHUNK_TEXT);
            if (end < text.length() && Character.isHighSurrogate(text.charAt(end - 1))) {
                end--; // never cut a surrogate pair
            }
            sink.accept(utf8(chunkPrefix + key + quote(text.substring(start, end)) + "}" + chunkSuffix));
            start = end;
        }
    }

    /**
     * The chunk of one piece of a tool call: its index, and on the call's first piece its id, type and function name,
     * with a piece of the arguments.
     */
    @Override
    public void toolCall(int index, String id, String name, String arguments, Consumer<byte[]> sink) {
        StringBuilder call = new StringBuilder("{\"tool_calls\":[{\"index\":").append(index);
        if (id != null) {
            call.append(",\"id\":").append(quote(id)).append(",\"type\":\"function\"");
        }
        call.append(",\"function\":{");
        if (name != null) {
            call.append("\"name\":").append(quote(name)).append(',');
        }
        call.append("\"arguments\":").append(quote(arguments)).append("}}]}");
        sink.accept(utf8(chunkPrefix + call + chunkSuffix));
    }

    /** The finish chunk, the usage chunk when the client asked for usage and there is one, and [DONE]. */
    @Override
    public void finish(String finishReason, CompletionEvent.Usage usage, Consumer<byte[]> sink) {
        sink.accept(finishChunk(finishReason));
        if (includeUsage && usage != null) {
            sink.accept(usageChunk(usage));
        }
        sink.accept(DONE);
    }

    /** The error chunk and [DONE]. */
    @Override
    public void error(OpenAiException error, Consumer<byte[]> sink) {
        sink.accept(errorChunk(error));
        sink.accept(DONE);
    }

    /** The chunk with the finish reason and an empty delta. */
    byte[] finishChunk(String finishReason) {
        return utf8(chunkPrefix + "{},\"logprobs\":null,\"finish_reason\":" + quote(finishReason) + "}]" + usageField + "}\n\n");
    }

    /** The usage chunk: no choices, the token counts. */
    byte[] usageChunk(CompletionEvent.Usage usage) {
        Map<String, Object> chunk = new LinkedHashMap<>();
        chunk.put("id", id);
        chunk.put("object", "chat.completion.chunk");
        chunk.put("created", created);
        chunk.put("model", model);
        chunk.put("choices", List.of());
        chunk.put("usage", usageBody(usage));
        return utf8("data: " + write(chunk) + "\n\n");
    }

    /** An error in the stream, as OpenAI sends it: {@code data: {"error": {...}}}. */
    byte[] errorChunk(OpenAiException error) {
        return utf8("data: " + write(error.toError().envelope()) + "\n\n");
    }

    /**
     * The {@code chat.completion} body of a non-streamed answer; reasoning content, tool calls and usage only when
     * given (with tool calls and no text, the content is null, as OpenAI sends it).
     */
    @Override
    public String body(String content, String reasoningContent, List<ToolCallBody> toolCalls, String finishReason, CompletionEvent.Usage usage) {
        Map<String, Object> message = new LinkedHashMap<>();
        message.put("role", "assistant");
        message.put("content", content.isEmpty() && !toolCalls.isEmpty() ? null : content);
        if (reasoningContent != null) {
            message.put("reasoning_content", reasoningContent);
        }
        if (!toolCalls.isEmpty()) {
            message.put("tool_calls", toolCalls.stream().map(ChunkEncoder::toolCallBody).toList());
        }
        message.put("refusal", null);
        Map<String, Object> choice = new LinkedHashMap<>();
        choice.put("index", 0);
        choice.put("message", message);
        choice.put("logprobs", null);
        choice.put("finish_reason", finishReason);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("id", id);
        body.put("object", "chat.completion");
        body.put("created", created);
        body.put("model", model);
        body.put("choices", List.of(choice));
        if (usage != null) {
            body.put("usage", usageBody(usage));
        }
        return write(body);
    }

    private static Map<String, Object> toolCallBody(ToolCallBody call) {
        Map<String, Object> function = new LinkedHashMap<>();
        function.put("name", call.name());
        function.put("arguments", call.arguments());
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("id", call.id());
        body.put("type", "function");
        body.put("function", function);
        return body;
    }

    private static Map<String, Object> usageBody(CompletionEvent.Usage usage) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("prompt_tokens", usage.promptTokens());
        body.put("completion_tokens", usage.completionTokens());
        body.put("total_tokens", usage.totalTokens());
        return body;
    }

    private String write(Object value) {
        try {
            return json.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise a response object", e);
        }
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** The text as a JSON string literal. */
    static String quote(String text) {
        StringBuilder quoted = new StringBuilder(text.length() + 8).append('"');
        JsonStringEncoder.getInstance().quoteAsString(text, quoted);
        return quoted.append('"').toString();
    }
}

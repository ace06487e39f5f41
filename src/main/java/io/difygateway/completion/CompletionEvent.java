package io.difygateway.completion;
import io.difygateway.errors.OpenAiException;

/**
 * What a backend stream means for the OpenAI response, independent of the backend's wire format.
 * Backend event mappers produce these; {@link ChatCompletion} turns them into OpenAI chunks.
 */
public sealed interface CompletionEvent {

    /** A piece of the assistant's answer. */
    record Text(String text) implements CompletionEvent {
    }

    /** A piece of the model's reasoning (agent steps, thinking), shown apart from the answer. */
    record Reasoning(String text) implements CompletionEvent {
    }

    /**
     * The backend replaced its whole answer (content moderation). Identical text changes nothing; otherwise the
     * client must end up seeing the replacement.
     */
    record ReplaceAnswer(String text) implements CompletionEvent {
    }

    /** Token counts reported by the backend for the whole completion. */
    record Usage(long promptTokens, long completionTokens) implements CompletionEvent {
        public long totalTokens() {
            return promptTokens + completionTokens;
        }

        /** This usage with the counts that {@code counts} knows replaced (null: no usage yet). */
        public static Usage merge(Usage usage, TokenCounts counts) {
            long prompt = counts.promptTokens() != null ? counts.promptTokens() : usage == null ? 0 : usage.promptTokens();
            long completion = counts.completionTokens() != null ? counts.completionTokens() : usage == null ? 0 : usage.completionTokens();
            return new Usage(prompt, completion);
        }
    }

    /**
     * Some of the token counts, as one event of a backend that reports them piecemeal (Anthropic: the input tokens
     * when the message starts, the output tokens when it ends): a null count is unknown and leaves the one known
     * before, so the usage is merged across events instead of replaced.
     */
    record TokenCounts(Long promptTokens, Long completionTokens) implements CompletionEvent {
    }

    /**
     * A piece of a tool call the model makes. {@code key} is the backend's name for the call (an index, a content
     * block's index), the same on every piece of one call; null when the backend has none, and then each piece that
     * carries a name starts a new call and any other piece continues the last one. The first piece of a call carries
     * its {@code id} (null: one is made up) and function {@code name}; {@code arguments} is a piece of the arguments'
     * JSON text (may be empty).
     */
    record ToolCall(String key, String id, String name, String arguments) implements CompletionEvent {
    }

    /** Why the answer ended, when it was not a normal stop: {@code length}, {@code content_filter}, ... */
    record Finish(String reason) implements CompletionEvent {
    }

    /** The backend is alive but has nothing to say yet. */
    record KeepAlive() implements CompletionEvent {
    }

    /**
     * The backend's ids for this run: the task (needed to cancel it, Dify's {@code task_id}) and the conversation it
     * belongs to (Dify's {@code conversation_id}), either may be null.
     */
    record UpstreamIds(String taskId, String conversationId) implements CompletionEvent {
    }

    /** The backend failed after the response started; nothing more follows. */
    record Failure(OpenAiException error) implements CompletionEvent {
    }

    KeepAlive KEEP_ALIVE = new KeepAlive();
}

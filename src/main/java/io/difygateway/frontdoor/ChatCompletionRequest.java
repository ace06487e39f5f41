package io.difygateway.frontdoor;

import java.util.List;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A validated {@code POST /v1/chat/completions} request: the fields the gateway acts on. Unknown fields
 * (sampling parameters and client extensions) are dropped during parsing.
 *
 * @param model        the OpenAI model id, resolved against the configured models
 * @param messages     the conversation, at least one message, text content only
 * @param stream       true for a Server-Sent Events response
 * @param includeUsage {@code stream_options.include_usage}: send a usage chunk before {@code [DONE]}
 * @param user         the OpenAI {@code user} string, or null
 * @param raw          the whole request as sent, for backends that pass it on (OpenAI-compatible servers)
 */
public record ChatCompletionRequest(String model, List<ChatMessage> messages, boolean stream,
                                    boolean includeUsage, String user, ObjectNode raw) {

    public ChatCompletionRequest(String model, List<ChatMessage> messages, boolean stream, boolean includeUsage, String user) {
        this(model, messages, stream, includeUsage, user, null);
    }

    /** Index of the last message with role {@code user}; parsing guarantees there is one. */
    public int lastUserIndex() {
        return lastUserIndex(messages);
    }

    /** Index of the last message with role {@code user} in a list, or -1 when there is none. */
    public static int lastUserIndex(List<ChatMessage> messages) {
        for (int i = messages.size() - 1; i >= 0; i--) {
            if (messages.get(i).isUser()) {
                return i;
            }
        }
        return -1;
    }
}

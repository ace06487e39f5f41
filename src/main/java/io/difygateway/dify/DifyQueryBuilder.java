package io.difygateway.dify;

import java.util.List;

import io.difygateway.completion.ReasoningBlocks;
import io.difygateway.frontdoor.ChatCompletionRequest;
import io.difygateway.frontdoor.ChatMessage;

/**
 * Translates OpenAI {@code messages} into one Dify {@code query}: the last user message, preceded, when
 * there is more than that one message, by the system prompt and the earlier turns as a clearly marked
 * transcript, so that a call that starts a Dify conversation keeps the context.
 */
public final class DifyQueryBuilder {

    private DifyQueryBuilder() {
    }

    /** The Dify {@code query} for a request that starts a conversation: history and system prompt included. */
    public static String query(ChatCompletionRequest request) {
        return query(request, true);
    }

    /**
     * The Dify {@code query} for a request that starts a conversation.
     *
     * @param withInstructions whether the system (and developer) messages go in front
     */
    public static String query(ChatCompletionRequest request, boolean withInstructions) {
        List<ChatMessage> messages = request.messages();
        int current = request.lastUserIndex();
        String currentText = messages.get(current).text();
        if (messages.size() == 1) {
            return currentText;
        }
        StringBuilder instructions = new StringBuilder();
        StringBuilder history = new StringBuilder();
        for (int i = 0; i < messages.size(); i++) {
            if (i == current) {
                continue;
            }
            ChatMessage message = messages.get(i);
            String text = "assistant".equals(message.role()) ? ReasoningBlocks.strip(message.text()) : message.text().strip();
            if (text.isEmpty()) {
                continue;
            }
            if (isInstruction(message) && i < current) {
                if (withInstructions) {
                    appendParagraph(instructions, text);
                }
            } else {
                appendParagraph(history, "**" + speaker(message.role()) + (i > current ? " (after the current message)" : "")
                        + ":** " + text);
            }
        }
        StringBuilder query = new StringBuilder();
        if (!instructions.isEmpty()) {
            query.append("### Instructions\n").append(instructions).append("\n\n");
        }
        if (!history.isEmpty()) {
            query.append("### Conversation so far\n").append(history).append("\n\n");
        }
        if (query.isEmpty()) {
            return currentText;
        }
        return query.append("### Current message\n").append(currentText).toString();
    }

    /** The system and developer messages before the current one, joined: what {@code system-prompt} places. */
    public static String instructions(ChatCompletionRequest request) {
        StringBuilder instructions = new StringBuilder();
        for (int i = 0; i < request.lastUserIndex(); i++) {
            ChatMessage message = request.messages().get(i);
            if (isInstruction(message) && !message.text().isBlank()) {
                appendParagraph(instructions, message.text().strip());
            }
        }
        return instructions.toString();
    }

    private static boolean isInstruction(ChatMessage message) {
        return "system".equals(message.role()) || "developer".equals(message.role());
    }

    private static String speaker(String role) {
        return switch (role) {
            case "user" -> "User";
            case "assistant" -> "Assistant";
            case "tool", "function" -> "Tool result";
            default -> "System";
        };
    }

    private static void appendParagraph(StringBuilder target, String text) {
        if (!target.isEmpty()) {
            target.append("\n\n");
        }
        target.append(text);
    }
}

package io.difygateway.dify;

import java.util.List;
import java.util.regex.Pattern;

import io.difygateway.openai.ChatCompletionRequest;
import io.difygateway.openai.ChatMessage;

/**
 * Translates OpenAI {@code messages} into one Dify {@code query}: the last user message, preceded, when
 * there is more than that one message, by the system prompt and the earlier turns as a clearly marked
 * transcript, so that a stateless Dify call keeps the conversation's context.
 */
public final class DifyQueryBuilder {

    /** Reasoning that clients re-send inside assistant turns: it is not part of the conversation. */
    private static final Pattern REASONING_BLOCKS = Pattern.compile(
            "<(think|thinking|reasoning)>.*?</\\1>|<details type=\"reasoning\"[^>]*>.*?</details>", Pattern.DOTALL);

    private DifyQueryBuilder() {
    }

    /** The Dify {@code query} for a request. */
    public static String query(ChatCompletionRequest request) {
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
            String text = "assistant".equals(message.role()) ? withoutReasoning(message.text()) : message.text().strip();
            if (text.isEmpty()) {
                continue;
            }
            if (isInstruction(message) && i < current) {
                appendParagraph(instructions, text);
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

    private static String withoutReasoning(String text) {
        return REASONING_BLOCKS.matcher(text).replaceAll("").strip();
    }
}

package io.difygateway.conversation;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

import io.difygateway.openai.ChatMessage;
import io.difygateway.openai.ReasoningBlocks;

/**
 * A SHA-256 fingerprint of a conversation's messages as the backend saw them: roles and texts, with reasoning
 * blocks removed and white space collapsed, so that the history a client resends matches what was answered.
 */
public final class HistoryFingerprint {

    private HistoryFingerprint() {
    }

    public static String of(List<ChatMessage> messages) {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
        for (ChatMessage message : messages) {
            digest.update(message.role().getBytes(StandardCharsets.UTF_8));
            digest.update((byte) 0);
            digest.update(normalise(message.text()).getBytes(StandardCharsets.UTF_8));
            digest.update((byte) 1);
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    static String normalise(String text) {
        return ReasoningBlocks.strip(text).replaceAll("\\s+", " ");
    }
}

package io.difygateway.conversation;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

import io.difygateway.completion.ReasoningBlocks;
import io.difygateway.frontdoor.ChatMessage;

/**
 * A SHA-256 fingerprint of a conversation's messages as the backend saw them: roles and texts, with reasoning
 * blocks removed and white space collapsed, so that the history a client resends matches what was answered.
 */
public final class HistoryFingerprint {

    /** Cloned for each fingerprint: looking the algorithm up costs more than hashing a short conversation. */
    private static final MessageDigest SHA_256;

    static {
        try {
            SHA_256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }

    private HistoryFingerprint() {
    }

    public static String of(List<ChatMessage> messages) {
        MessageDigest digest;
        try {
            digest = (MessageDigest) SHA_256.clone();
        } catch (CloneNotSupportedException e) {
            throw new IllegalStateException("SHA-256 cannot be cloned", e);
        }
        for (ChatMessage message : messages) {
            digest.update(message.role().getBytes(StandardCharsets.UTF_8));
            digest.update((byte) 0);
            digest.update(normalise(message.text()).getBytes(StandardCharsets.UTF_8));
            digest.update((byte) 1);
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    /** The text without reasoning blocks, each run of white space ({@code \\s}: space, tab, line breaks) one space. */
    static String normalise(String text) {
        String stripped = ReasoningBlocks.strip(text);
        StringBuilder collapsed = new StringBuilder(stripped.length());
        boolean inSpace = false;
        for (int i = 0; i < stripped.length(); i++) {
            char c = stripped.charAt(i);
            if (c == ' ' || c == '\t' || c == '\n' || c == '\u000B' || c == '\f' || c == '\r') {
                if (!inSpace) {
                    collapsed.append(' ');
                }
                inSpace = true;
            } else {
                collapsed.append(c);
                inSpace = false;
            }
        }
        return collapsed.toString();
    }
}

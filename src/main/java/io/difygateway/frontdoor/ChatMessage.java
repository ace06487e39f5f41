package io.difygateway.frontdoor;

import java.util.List;

/**
 * One OpenAI chat message reduced to what a backend needs: its role, its text, and its attachments
 * (images and files, in the order of the content parts).
 */
public record ChatMessage(String role, String text, List<Attachment> attachments) {

    public ChatMessage(String role, String text) {
        this(role, text, List.of());
    }

    public boolean isUser() {
        return "user".equals(role);
    }

    /**
     * An image or file part: {@code url} is an http(s) URL or a {@code data:} URI.
     *
     * @param image    true for an {@code image_url} part, false for a {@code file} part
     * @param url      where the content is: http(s) URL or data URI
     * @param filename the file name the client gave, or null
     */
    public record Attachment(boolean image, String url, String filename) {
    }
}

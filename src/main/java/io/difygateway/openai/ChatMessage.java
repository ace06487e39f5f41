package io.difygateway.openai;

/** One OpenAI chat message reduced to what a text backend needs: its role and its text content. */
public record ChatMessage(String role, String text) {

    public boolean isUser() {
        return "user".equals(role);
    }
}

package io.difygateway.dify;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import io.difygateway.frontdoor.ChatCompletionRequest;
import io.difygateway.frontdoor.ChatMessage;
import org.junit.jupiter.api.Test;

class DifyQueryBuilderTest {

    private static ChatCompletionRequest request(ChatMessage... messages) {
        return new ChatCompletionRequest("m", List.of(messages), true, false, null);
    }

    @Test
    void aSingleUserMessageIsTheQueryAsIs() {
        assertThat(DifyQueryBuilder.query(request(new ChatMessage("user", "  How do I reset my VPN token?\n"))))
                .isEqualTo("  How do I reset my VPN token?\n");
    }

    @Test
    void systemPromptAndHistoryComeBeforeTheCurrentMessage() {
        String query = DifyQueryBuilder.query(request(
                new ChatMessage("system", "You are the IT helpdesk."),
                new ChatMessage("user", "How do I reset my VPN token?"),
                new ChatMessage("assistant", "Open the self-service portal."),
                new ChatMessage("user", "And if I lost the phone?")));
        assertThat(query).isEqualTo("""
                ### Instructions
                You are the IT helpdesk.

                ### Conversation so far
                **User:** How do I reset my VPN token?

                **Assistant:** Open the self-service portal.

                ### Current message
                And if I lost the phone?""");
    }

    @Test
    void onlyASystemPromptGivesInstructionsWithoutHistory() {
        assertThat(DifyQueryBuilder.query(request(new ChatMessage("system", "Be brief."), new ChatMessage("user", "Hi"))))
                .isEqualTo("### Instructions\nBe brief.\n\n### Current message\nHi");
    }

    @Test
    void reasoningBlocksInAssistantTurnsAreDropped() {
        String query = DifyQueryBuilder.query(request(
                new ChatMessage("user", "Q1"),
                new ChatMessage("assistant", "<think>secret plan\nline 2</think>Visible answer"),
                new ChatMessage("assistant", "<details type=\"reasoning\" done=\"true\" duration=\"3\">why</details>More"),
                new ChatMessage("user", "Q2")));
        assertThat(query).contains("**Assistant:** Visible answer").contains("**Assistant:** More")
                .doesNotContain("secret plan").doesNotContain("why");
    }

    @Test
    void emptyTurnsAreSkippedAndMessagesAfterTheLastUserMessageKept() {
        String query = DifyQueryBuilder.query(request(
                new ChatMessage("user", "Q1"),
                new ChatMessage("assistant", ""),
                new ChatMessage("user", "Q2"),
                new ChatMessage("assistant", "Sure, here is")));
        assertThat(query).isEqualTo("""
                ### Conversation so far
                **User:** Q1

                **Assistant (after the current message):** Sure, here is

                ### Current message
                Q2""");
    }
}

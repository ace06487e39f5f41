package io.difygateway.conversation;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import io.difygateway.frontdoor.ChatMessage;
import org.junit.jupiter.api.Test;

class HistoryFingerprintTest {

    @Test
    void whiteSpaceRunsBecomeOneSpaceAndReasoningBlocksGo() {
        assertThat(HistoryFingerprint.normalise("  Hello,\r\n\n  world\t!  ")).isEqualTo("Hello, world !");
        assertThat(HistoryFingerprint.normalise("<think>why\nnot</think>Answer:\u000B 42")).isEqualTo("Answer: 42");
        assertThat(HistoryFingerprint.normalise("a < b and\u00a0c")).as("no block, non-breaking space kept").isEqualTo("a < b and\u00a0c");
        assertThat(HistoryFingerprint.normalise("")).isEmpty();
    }

    @Test
    void theFingerprintIgnoresWhatClientsChangeWhenTheyResendAndKeepsWhatMatters() {
        String answered = HistoryFingerprint.of(List.of(new ChatMessage("user", "Refunds?"), new ChatMessage("assistant", "Within 30 days.")));
        String resent = HistoryFingerprint.of(List.of(new ChatMessage("user", "Refunds? "),
                new ChatMessage("assistant", "<details type=\"reasoning\" done=\"true\">thinking</details>\nWithin  30 days.")));
        assertThat(resent).isEqualTo(answered).hasSize(64);
        assertThat(HistoryFingerprint.of(List.of(new ChatMessage("system", "Refunds?"), new ChatMessage("assistant", "Within 30 days."))))
                .isNotEqualTo(answered);
        assertThat(HistoryFingerprint.of(List.of(new ChatMessage("user", "Refunds?"), new ChatMessage("assistant", "Within 31 days."))))
                .isNotEqualTo(answered);
    }
}

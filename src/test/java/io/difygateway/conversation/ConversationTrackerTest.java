package io.difygateway.conversation;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.difygateway.completion.ChatCompletion;
import io.difygateway.completion.CompletionEvent;
import io.difygateway.completion.ReasoningMode;
import io.difygateway.config.GatewayProperties;
import io.difygateway.config.ModelDefinition;
import io.difygateway.frontdoor.ChatCompletionRequest;
import io.difygateway.frontdoor.ChatMessage;
import io.difygateway.support.MutableClock;
import io.difygateway.support.TestModels;
import org.junit.jupiter.api.Test;

class ConversationTrackerTest {

    private static final ModelDefinition MODEL = TestModels.dify("chat").build();
    private final ConversationTracker tracker = new ConversationTracker(
            new InMemoryConversationStore(100, Duration.ofHours(1), Clock.systemUTC()), new GatewayProperties());

    private static ChatCompletionRequest request(List<ChatMessage> messages) {
        return new ChatCompletionRequest("m", messages, false, false, null);
    }

    /** Runs one turn: opens, answers with the given conversation and text, remembers. */
    private Conversation turn(List<ChatMessage> history, String user, String conversationId, String answer) {
        ChatCompletionRequest request = request(history);
        Conversation conversation = tracker.open(request, MODEL, user, Map.of(), false, null);
        ChatCompletion completion = new ChatCompletion("c", 1L, "m", false, false, ReasoningMode.REASONING_CONTENT, null,
                new ObjectMapper());
        completion.accept(List.of(new CompletionEvent.UpstreamIds("t", conversationId), new CompletionEvent.Text(answer)));
        tracker.remember(conversation, request, completion);
        return conversation;
    }

    @Test
    void reasoningAndWhitespaceInTheResentHistoryDoNotBreakTheMatch() {
        List<ChatMessage> history = new ArrayList<>(List.of(new ChatMessage("user", "Q1")));
        turn(history, "u", "conv-1", "The   answer.");
        history.add(new ChatMessage("assistant", "<think>hmm</think>\nThe answer.\n"));
        history.add(new ChatMessage("user", "Q2"));
        Conversation next = tracker.open(request(history), MODEL, "u", Map.of(), false, null);
        assertThat(next.getContinuedId()).isEqualTo("conv-1");
    }

    @Test
    void aFingerprintIsUsedOnceSoThatARegenerationStartsOver() {
        List<ChatMessage> history = new ArrayList<>(List.of(new ChatMessage("user", "Q1")));
        turn(history, "u", "conv-1", "A1");
        history.add(new ChatMessage("assistant", "A1"));
        history.add(new ChatMessage("user", "Q2"));
        assertThat(turn(history, "u", "conv-1", "A2").getContinuedId()).isEqualTo("conv-1");
        assertThat(tracker.open(request(history), MODEL, "u", Map.of(), false, null).isContinuing()).isFalse();
    }

    @Test
    void nothingIsRememberedForAFailedTurnOrAStatelessRequest() {
        List<ChatMessage> history = new ArrayList<>(List.of(new ChatMessage("user", "Q1")));
        ChatCompletionRequest request = request(history);
        Conversation conversation = tracker.open(request, MODEL, "u", Map.of(), false, null);
        ChatCompletion failed = new ChatCompletion("c", 1L, "m", false, false, ReasoningMode.OFF, null, new ObjectMapper());
        failed.accept(List.of(new CompletionEvent.UpstreamIds("t", "conv-9"), new CompletionEvent.Text("partial"),
                new CompletionEvent.Failure(new io.difygateway.errors.OpenAiException(502, "server_error", null, null, "x"))));
        tracker.remember(conversation, request, failed);
        history.add(new ChatMessage("assistant", "partial"));
        history.add(new ChatMessage("user", "Q2"));
        assertThat(tracker.open(request(history), MODEL, "u", Map.of(), false, null).isContinuing()).isFalse();
        assertThat(tracker.open(request(history), MODEL, "u", Map.of(), true, null).isStateless()).isTrue();
        assertThat(tracker.open(request(history), TestModels.dify("chat").conversations(false).build(), "u", Map.of(), false, null)
                .isStateless()).isTrue();
    }

    @Test
    void theMemoryStoreForgetsIdleAndLeastRecentlyUsedMappings() {
        MutableClock clock = new MutableClock();
        InMemoryConversationStore store = new InMemoryConversationStore(2, Duration.ofMinutes(10), clock);
        store.save("a", new ConversationRecord("1", "h"));
        store.save("b", new ConversationRecord("2", "h"));
        assertThat(store.find("a")).isPresent();
        store.save("c", new ConversationRecord("3", "h"));
        assertThat(store.find("b")).as("least recently used").isEmpty();
        clock.advance(Duration.ofMinutes(11));
        assertThat(store.find("a")).as("expired").isEmpty();
    }
}

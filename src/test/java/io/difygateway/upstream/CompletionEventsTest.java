package io.difygateway.upstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import io.difygateway.completion.CompletionEvent;
import io.difygateway.sse.SseEvent;
import org.junit.jupiter.api.Test;

class CompletionEventsTest {

    private final EventMapper ollama = new CompletionEvents().jsonPaths("$.message.content", "$.prompt_eval_count", "$.eval_count", "$.error");

    private List<CompletionEvent> map(String json) {
        return ollama.map(new SseEvent(null, json));
    }

    @Test
    void textAndTokenCountsArePickedByTheirPaths() {
        assertThat(map("{\"message\":{\"role\":\"assistant\",\"content\":\"Hé\"},\"done\":false}"))
                .containsExactly(new CompletionEvent.Text("Hé"));
        assertThat(map("{\"message\":{\"content\":\"\"},\"done\":true,\"prompt_eval_count\":26,\"eval_count\":298}"))
                .containsExactly(new CompletionEvent.Usage(26, 298));
    }

    @Test
    void anErrorFieldBecomesAFailureNamingIt() {
        assertThat(map("{\"error\":\"model 'llama9' not found\"}")).singleElement()
                .isInstanceOfSatisfying(CompletionEvent.Failure.class, failure ->
                        assertThat(failure.error().getMessage()).contains("model 'llama9' not found"));
    }

    @Test
    void anEventThatIsNotJsonOrEmptyMeansNothing() {
        assertThat(map("not json")).isEmpty();
        assertThat(map("")).isEmpty();
        assertThat(ollama.map(new SseEvent("ping", null))).isEmpty();
    }

    @Test
    void pathsLeftOutArePickedNever() {
        EventMapper textOnly = new CompletionEvents().jsonPaths("$.t", null, " ", null);
        assertThat(textOnly.map(new SseEvent(null, "{\"t\":\"x\",\"eval_count\":3,\"error\":\"e\"}"))).containsExactly(new CompletionEvent.Text("x"));
    }

    @Test
    void anInvalidExpressionIsRejectedNamingItsVariable() {
        assertThatThrownBy(() -> new CompletionEvents().jsonPaths("$.message[1", null, null, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("eventTextPath").hasMessageContaining("$.message[1");
    }
}

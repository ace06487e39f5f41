package io.difygateway.upstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import io.difygateway.completion.CompletionEvent;
import io.difygateway.sse.SseEvent;
import org.junit.jupiter.api.Test;

class JsonPathEventMapperTest {

    private static JsonPathEventMapper anthropic() {
        JsonPathEventMapper mapper = new JsonPathEventMapper();
        mapper.setTextPath("$.delta.text");
        mapper.setReasoningPath("$.delta.thinking");
        mapper.setFinishReasonPath("$.delta.stop_reason");
        mapper.setFinishReasons("end_turn: stop, max_tokens: length, tool_use: tool_calls");
        mapper.setPromptTokensPath("$.message.usage.input_tokens");
        mapper.setCompletionTokensPath("$.usage.output_tokens");
        mapper.setErrorPath("$.error.message");
        mapper.setErrorCodePath("$.error.type");
        return mapper;
    }

    private static List<CompletionEvent> map(JsonPathEventMapper mapper, String json) {
        return mapper.map(new SseEvent(null, json));
    }

    @Test
    void textReasoningAndTokenCountsArePickedByTheirPaths() {
        JsonPathEventMapper mapper = anthropic();
        assertThat(map(mapper, "{\"type\":\"content_block_delta\",\"delta\":{\"type\":\"text_delta\",\"text\":\"Hé\"}}"))
                .containsExactly(new CompletionEvent.Text("Hé"));
        assertThat(map(mapper, "{\"type\":\"content_block_delta\",\"delta\":{\"type\":\"thinking_delta\",\"thinking\":\"Hm.\"}}"))
                .containsExactly(new CompletionEvent.Reasoning("Hm."));
        assertThat(map(mapper, "{\"type\":\"message_start\",\"message\":{\"usage\":{\"input_tokens\":25,\"output_tokens\":1}}}"))
                .as("output_tokens of message_start is not at $.usage: unknown, not 0").containsExactly(new CompletionEvent.TokenCounts(25L, null));
    }

    @Test
    void finishReasonsGoThroughTheValueMap() {
        JsonPathEventMapper mapper = anthropic();
        assertThat(map(mapper, "{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"max_tokens\"},\"usage\":{\"output_tokens\":10}}"))
                .containsExactly(new CompletionEvent.Finish("length"), new CompletionEvent.TokenCounts(null, 10L));
        assertThat(map(mapper, "{\"delta\":{\"stop_reason\":\"content_filter\"}}")).as("an OpenAI reason passes")
                .containsExactly(new CompletionEvent.Finish("content_filter"));
        assertThat(map(mapper, "{\"delta\":{\"stop_reason\":\"pause_turn\"}}")).as("an unknown reason is a stop")
                .containsExactly(new CompletionEvent.Finish("stop"));
        assertThat(map(mapper, "{\"delta\":{\"stop_reason\":null}}")).isEmpty();
    }

    @Test
    void tokenCountsMergeAcrossEventsInsteadOfReplacingEachOther() {
        CompletionEvent.Usage usage = CompletionEvent.Usage.merge(null, new CompletionEvent.TokenCounts(412L, null));
        usage = CompletionEvent.Usage.merge(usage, new CompletionEvent.TokenCounts(null, 87L));
        assertThat(usage).isEqualTo(new CompletionEvent.Usage(412, 87));
        assertThat(CompletionEvent.Usage.merge(usage, new CompletionEvent.TokenCounts(null, 90L))).isEqualTo(new CompletionEvent.Usage(412, 90));
    }

    @Test
    void aDeepScanUsesTheLastValueItFinds() {
        JsonPathEventMapper mapper = new JsonPathEventMapper();
        mapper.setCompletionTokensPath("$..output_tokens");
        assertThat(map(mapper, "{\"message\":{\"usage\":{\"output_tokens\":1}},\"usage\":{\"output_tokens\":\"12\"}}"))
                .containsExactly(new CompletionEvent.TokenCounts(null, 12L));
    }

    @Test
    void anErrorBecomesAFailureWithTheBackendsCode() {
        assertThat(map(anthropic(), "{\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}")).singleElement()
                .isInstanceOfSatisfying(CompletionEvent.Failure.class, failure -> {
                    assertThat(failure.error().getMessage()).isEqualTo("The backend failed: Overloaded");
                    assertThat(failure.error().toError().code()).isEqualTo("overloaded_error");
                });
    }

    @Test
    void anEventThatIsNotJsonOrEmptyMeansNothingAndPathsLeftOutAreNeverPicked() {
        JsonPathEventMapper mapper = anthropic();
        assertThat(map(mapper, "not json")).isEmpty();
        assertThat(map(mapper, "")).isEmpty();
        assertThat(mapper.map(new SseEvent("ping", null))).isEmpty();
        assertThat(map(mapper, "{\"type\":\"ping\"}")).isEmpty();
        JsonPathEventMapper textOnly = new JsonPathEventMapper();
        textOnly.setTextPath("$.t");
        textOnly.setErrorPath(" ");
        assertThat(map(textOnly, "{\"t\":\"x\",\"eval_count\":3,\"error\":\"e\"}")).containsExactly(new CompletionEvent.Text("x"));
    }

    @Test
    void anInvalidExpressionOrValueMapIsRejectedNamingItsParameter() {
        assertThatThrownBy(() -> new JsonPathEventMapper().setTextPath("$.message[1"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("textPath").hasMessageContaining("$.message[1");
        assertThatThrownBy(() -> new JsonPathEventMapper().setFinishReasons("end_turn: done"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("finishReasons").hasMessageContaining("end_turn: done");
    }

    @Test
    void toolCallsArePickedFromEachCandidateWithObjectArgumentsAsJsonText() {
        JsonPathEventMapper ollama = new JsonPathEventMapper();
        ollama.setTextPath("$.message.content");
        ollama.setToolCallsPath("$.message.tool_calls");
        ollama.setToolCallNamePath("$.function.name");
        ollama.setToolCallArgumentsPath("$.function.arguments");
        assertThat(map(ollama, "{\"message\":{\"content\":\"\",\"tool_calls\":[{\"function\":{\"name\":\"a\",\"arguments\":{\"x\":1}}},"
                + "{\"function\":{\"name\":\"b\",\"arguments\":{}}}]}}"))
                .containsExactly(new CompletionEvent.ToolCall(null, null, "a", "{\"x\":1}"), new CompletionEvent.ToolCall(null, null, "b", "{}"));
        assertThat(map(ollama, "{\"message\":{\"content\":\"Hi\"}}")).containsExactly(new CompletionEvent.Text("Hi"));

        JsonPathEventMapper anthropic = anthropic();
        anthropic.setToolCallKeyPath("$.index");
        anthropic.setToolCallIdPath("$.content_block.id");
        anthropic.setToolCallNamePath("$.content_block.name");
        anthropic.setToolCallArgumentsPath("$.delta.partial_json");
        assertThat(map(anthropic, "{\"type\":\"content_block_start\",\"index\":1,\"content_block\":{\"type\":\"tool_use\",\"id\":\"toolu_1\",\"name\":\"f\",\"input\":{}}}"))
                .containsExactly(new CompletionEvent.ToolCall("1", "toolu_1", "f", ""));
        assertThat(map(anthropic, "{\"type\":\"content_block_delta\",\"index\":1,\"delta\":{\"type\":\"input_json_delta\",\"partial_json\":\"{\\\"a\"}}"))
                .containsExactly(new CompletionEvent.ToolCall("1", null, null, "{\"a"));
        assertThat(map(anthropic, "{\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}"))
                .as("a text block is no tool call").isEmpty();
    }
}

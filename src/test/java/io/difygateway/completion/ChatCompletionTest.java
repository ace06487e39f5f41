package io.difygateway.completion;

import static io.difygateway.support.OpenAiStreams.chunks;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.difygateway.errors.OpenAiException;
import io.difygateway.support.BufferSseOutput;
import org.junit.jupiter.api.Test;

class ChatCompletionTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static ChatCompletion streaming(BufferSseOutput output, boolean includeUsage) {
        return new ChatCompletion("chatcmpl-1", 1700000000L, "helpdesk", true, includeUsage, ReasoningMode.REASONING_CONTENT, output, JSON);
    }


    @Test
    void nothingIsCommittedUntilThereIsSomethingToSend() {
        BufferSseOutput output = new BufferSseOutput();
        ChatCompletion completion = streaming(output, false);
        completion.accept(List.of(new CompletionEvent.UpstreamIds("task-1", "conversation-1"), new CompletionEvent.Text("")));
        assertThat(output.isBegun()).isFalse();
        assertThat(completion.isCommitted()).isFalse();
        assertThat(completion.upstreamTaskId()).isEqualTo("task-1");
    }

    @Test
    void aFailureBeforeTheFirstByteIsThrownAsAnHttpError() {
        BufferSseOutput output = new BufferSseOutput();
        ChatCompletion completion = streaming(output, false);
        OpenAiException error = new OpenAiException(502, "server_error", "x", null, "boom");
        completion.accept(new CompletionEvent.Failure(error));
        assertThat(output.isBegun()).isFalse();
        assertThatThrownBy(completion::finish).isSameAs(error);
    }

    @Test
    void aFailureAfterTheFirstByteIsAnErrorChunkThenDone() {
        BufferSseOutput output = new BufferSseOutput();
        ChatCompletion completion = streaming(output, true);
        completion.accept(new CompletionEvent.Text("Hi"));
        completion.fail(new OpenAiException(504, "server_error", "upstream_timeout", null, "too slow"));
        completion.accept(new CompletionEvent.Text("ignored"));
        assertThat(completion.finish()).isNull();

        List<JsonNode> chunks = chunks(output.text());
        assertThat(chunks).hasSize(3);
        JsonNode error = chunks.get(2);
        assertThat(error.has("choices")).isFalse();
        assertThat(error.at("/error/message").asText()).isEqualTo("too slow");
        assertThat(error.at("/error/code").asText()).isEqualTo("upstream_timeout");
        assertThat(error.at("/error/param").isNull()).isTrue();
        assertThat(output.text()).endsWith("data: [DONE]\n\n").doesNotContain("ignored");
        assertThat(output.isClosed()).isTrue();
    }

    @Test
    void everyChunkHasTheSameIdCreatedAndModelAndOneLineOfJson() {
        BufferSseOutput output = new BufferSseOutput();
        ChatCompletion completion = streaming(output, true);
        completion.accept(List.of(new CompletionEvent.Text("line one\nline \"two\""), CompletionEvent.KEEP_ALIVE,
                new CompletionEvent.Usage(10, 5)));
        completion.finish();

        for (String event : output.text().split("\n\n")) {
            assertThat(event).doesNotContain("\n");
        }
        List<JsonNode> chunks = chunks(output.text());
        assertThat(chunks).hasSize(4);
        for (JsonNode chunk : chunks) {
            assertThat(chunk.get("id").asText()).isEqualTo("chatcmpl-1");
            assertThat(chunk.get("created").asLong()).isEqualTo(1700000000L);
            assertThat(chunk.get("model").asText()).isEqualTo("helpdesk");
            assertThat(chunk.get("object").asText()).isEqualTo("chat.completion.chunk");
        }
        assertThat(chunks.get(0).at("/choices/0/delta/role").asText()).isEqualTo("assistant");
        assertThat(chunks.get(1).at("/choices/0/delta/content").asText()).isEqualTo("line one\nline \"two\"");
        assertThat(chunks.get(2).at("/choices/0/finish_reason").asText()).isEqualTo("stop");
        assertThat(chunks.get(2).at("/choices/0/delta").isEmpty()).isTrue();
        assertThat(chunks.get(3).get("choices").isEmpty()).isTrue();
        assertThat(chunks.get(3).at("/usage/total_tokens").asLong()).isEqualTo(15);
        assertThat(output.text()).contains("\n\n: keep-alive\n\n").endsWith("data: [DONE]\n\n");
    }

    @Test
    void withoutIncludeUsageThereIsNoUsageChunkAndNoUsageField() {
        BufferSseOutput output = new BufferSseOutput();
        ChatCompletion completion = streaming(output, false);
        completion.accept(List.of(new CompletionEvent.Text("Hi"), new CompletionEvent.Usage(10, 5)));
        completion.finish();
        assertThat(output.text()).doesNotContain("usage");
        assertThat(chunks(output.text())).hasSize(3);
    }

    @Test
    void aBackendRouteThatFedNothingIsA502NotAnEmptyAnswer() {
        BufferSseOutput output = new BufferSseOutput();
        assertThatThrownBy(streaming(output, false)::finish).isInstanceOfSatisfying(OpenAiException.class, e -> {
            assertThat(e.status()).isEqualTo(502);
            assertThat(e.code()).isEqualTo("backend_no_answer");
        });
        assertThat(output.isBegun()).isFalse();
        ChatCompletion nonStreamed = new ChatCompletion("chatcmpl-2", 1700000000L, "helpdesk", false, false,
                ReasoningMode.REASONING_CONTENT, null, JSON);
        assertThatThrownBy(nonStreamed::finish).isInstanceOfSatisfying(OpenAiException.class,
                e -> assertThat(e.code()).isEqualTo("backend_no_answer"));
    }

    @Test
    void aStreamWhoseEventsCarriedNoTextStillEndsProperly() {
        BufferSseOutput output = new BufferSseOutput();
        ChatCompletion completion = streaming(output, false);
        completion.accept(List.of());
        completion.finish();
        List<JsonNode> chunks = chunks(output.text());
        assertThat(chunks).hasSize(2);
        assertThat(chunks.get(1).at("/choices/0/finish_reason").asText()).isEqualTo("stop");
        assertThat(output.text()).endsWith("data: [DONE]\n\n");
    }

    @Test
    void aWriteFailureMeansTheClientIsGoneAndNothingMoreIsWritten() {
        BufferSseOutput output = new BufferSseOutput(2);
        ChatCompletion completion = streaming(output, false);
        completion.accept(new CompletionEvent.Text("a"));
        assertThatThrownBy(() -> completion.accept(new CompletionEvent.Text("b")))
                .isInstanceOf(ClientDisconnectedException.class);
        assertThat(completion.isClientGone()).isTrue();
        completion.fail(new OpenAiException(502, "server_error", null, null, "late"));
        assertThat(completion.finish()).isNull();
    }

    @Test
    void aggregatesANonStreamedCompletionWithUsage() throws Exception {
        ChatCompletion completion = new ChatCompletion("chatcmpl-2", 1L, "helpdesk", false, false, ReasoningMode.REASONING_CONTENT, null, JSON);
        completion.accept(List.of(new CompletionEvent.Text("Hello"), CompletionEvent.KEEP_ALIVE,
                new CompletionEvent.Text(" world"), new CompletionEvent.Usage(3, 2)));
        JsonNode body = JSON.readTree(completion.finish());
        assertThat(body.get("object").asText()).isEqualTo("chat.completion");
        assertThat(body.at("/choices/0/message/content").asText()).isEqualTo("Hello world");
        assertThat(body.at("/choices/0/message/role").asText()).isEqualTo("assistant");
        assertThat(body.at("/choices/0/finish_reason").asText()).isEqualTo("stop");
        assertThat(body.at("/usage/prompt_tokens").asLong()).isEqualTo(3);
        assertThat(body.at("/usage/completion_tokens").asLong()).isEqualTo(2);
        assertThat(body.at("/usage/total_tokens").asLong()).isEqualTo(5);
    }

    @Test
    void aNonStreamedCompletionWithoutAnyTextIsAnError() {
        ChatCompletion completion = new ChatCompletion("chatcmpl-3", 1L, "helpdesk", false, false, ReasoningMode.REASONING_CONTENT, null, JSON);
        completion.accept(new CompletionEvent.Usage(3, 0));
        assertThatThrownBy(completion::finish).isInstanceOfSatisfying(OpenAiException.class,
                e -> assertThat(e.status()).isEqualTo(502));
    }

    @Test
    void aLongTextIsCutIntoSeveralChunksWithoutSplittingACharacter() {
        BufferSseOutput output = new BufferSseOutput();
        ChatCompletion completion = streaming(output, false);
        String emoji = "🎉";
        String text = "x".repeat(ChatCompletion.MAX_CHUNK_TEXT - 1) + emoji + "y".repeat(3 * ChatCompletion.MAX_CHUNK_TEXT);
        completion.accept(new CompletionEvent.Text(text));
        completion.finish();
        List<JsonNode> chunks = chunks(output.text());
        StringBuilder joined = new StringBuilder();
        chunks.forEach(chunk -> joined.append(chunk.at("/choices/0/delta/content").asText("")));
        assertThat(joined.toString()).isEqualTo(text);
        assertThat(chunks.size()).isGreaterThanOrEqualTo(2 + 4);
        for (String line : output.text().split("\n")) {
            assertThat(line.length()).isLessThan(4 * ChatCompletion.MAX_CHUNK_TEXT);
        }
    }

    @Test
    void reasoningGoesToReasoningContentWhenStreamed() {
        BufferSseOutput output = new BufferSseOutput();
        ChatCompletion completion = streaming(output, false);
        completion.accept(List.of(new CompletionEvent.Reasoning("thinking"), new CompletionEvent.Text("answer")));
        completion.finish();
        List<JsonNode> chunks = chunks(output.text());
        assertThat(chunks.get(1).at("/choices/0/delta/reasoning_content").asText()).isEqualTo("thinking");
        assertThat(chunks.get(2).at("/choices/0/delta/content").asText()).isEqualTo("answer");
    }

    @Test
    void reasoningInThinkTagsIsClosedBeforeTheAnswerAndAtTheEnd() {
        BufferSseOutput output = new BufferSseOutput();
        ChatCompletion completion = new ChatCompletion("c", 1L, "m", true, false, ReasoningMode.THINK_TAGS, output, JSON);
        completion.accept(List.of(new CompletionEvent.Reasoning("step 1"), new CompletionEvent.Text("answer"),
                new CompletionEvent.Reasoning("afterthought")));
        completion.finish();
        StringBuilder content = new StringBuilder();
        chunks(output.text()).forEach(chunk -> content.append(chunk.at("/choices/0/delta/content").asText("")));
        assertThat(content.toString()).isEqualTo("<think>\nstep 1\n</think>\n\nanswer<think>\nafterthought\n</think>\n\n");
    }

    @Test
    void aNonStreamedCompletionCarriesReasoningAsConfigured() throws Exception {
        for (ReasoningMode mode : ReasoningMode.values()) {
            ChatCompletion completion = new ChatCompletion("c", 1L, "m", false, false, mode, null, JSON);
            completion.accept(List.of(new CompletionEvent.Reasoning("why"), new CompletionEvent.Text("answer")));
            JsonNode message = JSON.readTree(completion.finish()).at("/choices/0/message");
            switch (mode) {
                case REASONING_CONTENT -> {
                    assertThat(message.get("content").asText()).isEqualTo("answer");
                    assertThat(message.get("reasoning_content").asText()).isEqualTo("why");
                }
                case THINK_TAGS -> {
                    assertThat(message.get("content").asText()).isEqualTo("<think>\nwhy\n</think>\n\nanswer");
                    assertThat(message.has("reasoning_content")).isFalse();
                }
                case OFF -> {
                    assertThat(message.get("content").asText()).isEqualTo("answer");
                    assertThat(message.has("reasoning_content")).isFalse();
                }
            }
        }
    }

    @Test
    void aReplacedAnswerIsTheWholeAnswerWhenNotStreamedAndAppendedAfterANoticeWhenStreamed() throws Exception {
        ChatCompletion aggregated = new ChatCompletion("c", 1L, "m", false, false, ReasoningMode.OFF, null, JSON);
        aggregated.accept(List.of(new CompletionEvent.Text("bad words"), new CompletionEvent.ReplaceAnswer("Sorry."),
                new CompletionEvent.ReplaceAnswer("Sorry.")));
        assertThat(JSON.readTree(aggregated.finish()).at("/choices/0/message/content").asText()).isEqualTo("Sorry.");

        BufferSseOutput output = new BufferSseOutput();
        ChatCompletion streamed = streaming(output, false);
        streamed.accept(List.of(new CompletionEvent.Text("bad words"), new CompletionEvent.ReplaceAnswer("Sorry."),
                new CompletionEvent.ReplaceAnswer("Sorry.")));
        streamed.finish();
        StringBuilder content = new StringBuilder();
        chunks(output.text()).forEach(chunk -> content.append(chunk.at("/choices/0/delta/content").asText("")));
        assertThat(content.toString()).isEqualTo("bad words" + ChatCompletion.REPLACED_NOTICE + "Sorry.");
    }
}

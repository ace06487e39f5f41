package io.difygateway.dify;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.difygateway.completion.ChatCompletion;
import io.difygateway.completion.ReasoningMode;
import io.difygateway.config.ModelDefinition;
import io.difygateway.errors.OpenAiException;
import io.difygateway.sse.SseEvent;
import io.difygateway.sse.SseEventReader;
import io.difygateway.support.BufferSseOutput;
import io.difygateway.support.SplitInputStream;
import io.difygateway.support.TestModels;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Dify transcripts (src/test/resources/transcripts/dify/*.sse) through the reader, the event mapper and the OpenAI
 * writer, against golden outputs next to them: {@code <case>.stream.golden} (streamed, with include_usage) and
 * {@code <case>.completion.golden.json} (not streamed: the answer, or the HTTP error it becomes). Run with
 * {@code -Dgolden.update=true} to rewrite the goldens after a deliberate change, then review the diff.
 */
class DifyTranscriptTest {

    private static final Path DIR = Path.of("src/test/resources/transcripts/dify");
    private static final boolean UPDATE = Boolean.getBoolean("golden.update");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final DifyEventMapper mapper = new DifyEventMapper(JSON);

    /** A transcript rendered for a model configured one way. */
    record Case(String name, String transcript, ModelDefinition model) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static ModelDefinition model(String appType, ReasoningMode reasoning, boolean progress, boolean citations,
                                         String outputVariable) {
        return TestModels.dify(appType).reasoning(reasoning).workflowProgress(progress).citations(citations)
                .outputVariable(outputVariable).build();
    }

    private static ModelDefinition defaults(String appType) {
        return model(appType, ReasoningMode.REASONING_CONTENT, false, true, null);
    }

    static Stream<Arguments> cases() {
        return Stream.of(
                new Case("chat-basic", "chat-basic", defaults("chat")),
                new Case("chat-basic-no-citations", "chat-basic", model("chat", ReasoningMode.REASONING_CONTENT, false, false, null)),
                new Case("agent-chat-tool-call", "agent-chat-tool-call", defaults("agent-chat")),
                new Case("agent-chat-tool-call-think-tags", "agent-chat-tool-call", model("agent-chat", ReasoningMode.THINK_TAGS, false, true, null)),
                new Case("agent-chat-tool-call-reasoning-off", "agent-chat-tool-call", model("agent-chat", ReasoningMode.OFF, false, true, null)),
                new Case("agent-chat-file", "agent-chat-file", defaults("agent-chat")),
                new Case("advanced-chat", "advanced-chat", defaults("advanced-chat")),
                new Case("advanced-chat-finished-first", "advanced-chat-finished-first", defaults("advanced-chat")),
                new Case("advanced-chat-failed", "advanced-chat-failed", defaults("advanced-chat")),
                new Case("advanced-chat-reasoning", "advanced-chat-reasoning", defaults("advanced-chat")),
                new Case("advanced-chat-reasoning-progress", "advanced-chat-reasoning", model("advanced-chat", ReasoningMode.REASONING_CONTENT, true, true, null)),
                new Case("chat-error-midway", "chat-error-midway", defaults("chat")),
                new Case("chat-no-message-end", "chat-no-message-end", defaults("chat")),
                new Case("chat-legacy-crlf-pings", "chat-legacy-crlf-pings", defaults("chat")),
                new Case("chat-moderation-replace", "chat-moderation-replace", defaults("chat")),
                new Case("chat-moderation-unchanged", "chat-moderation-unchanged", defaults("chat")),
                new Case("completion", "completion", defaults("completion")),
                new Case("workflow-run", "workflow-run", defaults("workflow")),
                new Case("workflow-outputs-only", "workflow-outputs-only", defaults("workflow")),
                new Case("workflow-outputs-only-routing", "workflow-outputs-only", model("workflow", ReasoningMode.REASONING_CONTENT, false, true, "routing")),
                new Case("workflow-failed", "workflow-failed", defaults("workflow")),
                new Case("workflow-human-input", "workflow-human-input", defaults("workflow"))
        ).map(Arguments::of);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void streamedOutputMatchesGolden(Case c) throws IOException {
        byte[] transcript = Files.readAllBytes(DIR.resolve(c.transcript() + ".sse"));
        String output = stream(c, new ByteArrayInputStream(transcript));
        assertGolden(DIR.resolve(c.name() + ".stream.golden"), output);
        for (String line : output.split("\n")) {
            assertThat(line.getBytes(StandardCharsets.UTF_8).length).as("SSE line length").isLessThan(64 * 1024);
        }
        for (long seed = 0; seed < 5; seed++) {
            assertThat(stream(c, new SplitInputStream(transcript, 7, seed)))
                    .as("the same transcript delivered in pieces of 1-7 bytes (seed %d)", seed).isEqualTo(output);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void aggregatedOutputMatchesGolden(Case c) throws IOException {
        ChatCompletion completion = new ChatCompletion("chatcmpl-test", 1700000000L, "helpdesk", false, false,
                c.model().reasoning(), null, JSON);
        feed(c, Files.newInputStream(DIR.resolve(c.transcript() + ".sse")), completion);
        Object result;
        try {
            result = JSON.readTree(completion.finish());
        } catch (OpenAiException e) {
            Map<String, Object> failure = new LinkedHashMap<>();
            failure.put("status", e.status());
            failure.put("body", e.toError().envelope());
            result = failure;
        }
        assertGolden(DIR.resolve(c.name() + ".completion.golden.json"),
                JSON.writerWithDefaultPrettyPrinter().writeValueAsString(result) + "\n");
    }

    private String stream(Case c, InputStream in) throws IOException {
        BufferSseOutput output = new BufferSseOutput();
        ChatCompletion completion = new ChatCompletion("chatcmpl-test", 1700000000L, "helpdesk", true, true,
                c.model().reasoning(), output, JSON);
        feed(c, in, completion);
        assertThat(completion.finish()).isNull();
        assertThat(output.isClosed()).as("the response is ended").isTrue();
        return output.text();
    }

    private void feed(Case c, InputStream in, ChatCompletion completion) throws IOException {
        SseEventReader reader = new SseEventReader(in, 1 << 20);
        DifyStreamState state = mapper.open(c.model(), false);
        SseEvent event;
        while ((event = reader.next()) != null) {
            completion.accept(mapper.map(event, state));
        }
    }

    private static void assertGolden(Path golden, String actual) throws IOException {
        if (UPDATE || !Files.exists(golden)) {
            Files.writeString(golden, actual, StandardCharsets.UTF_8);
            assertThat(UPDATE).as("golden file %s was missing and has been written: review and commit it", golden).isTrue();
        }
        assertThat(actual).isEqualTo(Files.readString(golden, StandardCharsets.UTF_8));
    }
}

package io.difygateway.dify;

import java.io.IOException;
import java.nio.file.Path;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.difygateway.completion.ReasoningMode;
import io.difygateway.config.ModelDefinition;
import io.difygateway.support.TestModels;
import io.difygateway.support.TranscriptReplay;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Dify transcripts (src/test/resources/transcripts/dify/*.sse) through the reader, the event mapper and the OpenAI
 * writer, against golden outputs next to them ({@link TranscriptReplay}), each case a transcript rendered for a model
 * configured one way.
 */
class DifyTranscriptTest {

    private static final Path DIR = Path.of("src/test/resources/transcripts/dify");
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
                new Case("workflow-human-input", "workflow-human-input", defaults("workflow")),
                new Case("workflow-iteration-child-failed", "workflow-iteration-child-failed", defaults("workflow")),
                new Case("workflow-iteration-child-failed-progress", "workflow-iteration-child-failed",
                        model("workflow", ReasoningMode.REASONING_CONTENT, true, true, null)),
                new Case("agent-app", "agent-app", defaults("agent")),
                new Case("agent-app-ask-human", "agent-app-ask-human", defaults("agent")),
                new Case("advanced-chat-failed-newest", "advanced-chat-failed-newest", defaults("advanced-chat")),
                new Case("advanced-chat-no-message-end", "advanced-chat-no-message-end", defaults("advanced-chat")),
                new Case("workflow-output-files", "workflow-output-files", defaults("workflow")),
                new Case("advanced-chat-output-files", "advanced-chat-output-files", defaults("advanced-chat"))
        ).map(Arguments::of);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void streamedOutputMatchesGolden(Case c) throws IOException {
        replay(c).assertStreamedMatches(DIR.resolve(c.name() + ".stream.golden"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void aggregatedOutputMatchesGolden(Case c) throws IOException {
        replay(c).assertAggregatedMatches(DIR.resolve(c.name() + ".completion.golden.json"));
    }

    private TranscriptReplay replay(Case c) throws IOException {
        return new TranscriptReplay(DIR.resolve(c.transcript() + ".sse"), c.model().reasoning(), () -> {
            DifyStreamState state = mapper.open(c.model(), false);
            return event -> mapper.map(event, state);
        });
    }
}

package io.difygateway.frontdoor;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.difygateway.config.GatewayProperties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class BackgroundTasksTest {

    private final ChatRequestParser parser = new ChatRequestParser(new ObjectMapper());

    private ChatCompletionRequest openWebUi(String name) throws Exception {
        return parser.parse(Files.readString(Path.of("src/test/resources/openwebui/" + name + ".json")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"task-title-generation", "task-tags-generation", "task-follow-up-generation",
            "task-web-search-query-generation", "task-context-compaction", "task-function-calling"})
    void openWebUiTasksAreRecognisedByTheirShape(String name) throws Exception {
        assertThat(new BackgroundTasks(new GatewayProperties()).detect(openWebUi(name), Map.of())).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"chat-stream-with-history", "chat-stream-image-data-uri"})
    void chatTurnsAreNotTasks(String name) throws Exception {
        assertThat(new BackgroundTasks(new GatewayProperties()).detect(openWebUi(name), Map.of())).isFalse();
    }

    @Test
    void aNonStreamedQuestionWithASystemPromptIsNoTask() throws Exception {
        assertThat(new BackgroundTasks(new GatewayProperties()).detect(parser.parse("""
                {"model":"m","stream":false,"messages":[{"role":"system","content":"Available tools are listed in the handbook."},
                 {"role":"user","content":"### Task: summarize our refund policy"}]}"""), Map.of())).isFalse();
    }

    @Test
    void theTaskHeaderDecidesWhenPresentAndShapeDetectionCanBeTurnedOff() throws Exception {
        GatewayProperties properties = new GatewayProperties();
        properties.getTasks().setDetectByShape(false);
        BackgroundTasks tasks = new BackgroundTasks(properties);
        assertThat(tasks.detect(openWebUi("task-title-generation"), Map.of())).isFalse();
        assertThat(tasks.detect(openWebUi("task-title-generation"), Map.of("X-OpenWebUI-Task", "title_generation"))).isTrue();
        assertThat(tasks.detect(openWebUi("chat-stream-with-history"), Map.of("x-openwebui-task", ""))).isFalse();
    }
}

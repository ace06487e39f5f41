package io.difygateway.dify;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.difygateway.frontdoor.ChatCompletionRequest;
import io.difygateway.frontdoor.ChatRequestParser;
import org.junit.jupiter.api.Test;

class DifyTaskAnswersTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final DifyTaskAnswers answers = new DifyTaskAnswers(JSON);

    private static final ChatRequestParser PARSER = new ChatRequestParser(JSON);

    private static ChatCompletionRequest recorded(String task) throws Exception {
        return PARSER.parse(Files.readString(Path.of("src/test/resources/openwebui/" + task + ".json")));
    }

    @Test
    void openWebUisTitleAndFollowUpPromptsAreKnownByTheJsonTheyAskFor() throws Exception {
        assertThat(answers.kind(recorded("task-title-generation"), null)).isEqualTo(DifyTaskAnswers.Kind.TITLE);
        assertThat(answers.kind(recorded("task-follow-up-generation"), null)).isEqualTo(DifyTaskAnswers.Kind.FOLLOW_UPS);
        assertThat(answers.kind(recorded("task-tags-generation"), null)).as("tags are not Dify's to answer").isNull();
        assertThat(answers.kind(recorded("task-web-search-query-generation"), null)).isNull();
    }

    @Test
    void theTaskHeaderDecidesWhenItIsThere() throws Exception {
        assertThat(answers.kind(recorded("task-tags-generation"), "title_generation")).isEqualTo(DifyTaskAnswers.Kind.TITLE);
        assertThat(answers.kind(recorded("task-title-generation"), "follow_up_generation")).isEqualTo(DifyTaskAnswers.Kind.FOLLOW_UPS);
        assertThat(answers.kind(recorded("task-title-generation"), "tags_generation")).isNull();
    }

    @Test
    void difysAnswersBecomeTheJsonOpenWebUiParses() throws Exception {
        assertThat(answers.title(JSON.readTree("{\"id\": \"c\", \"name\": \" \\\"VPN\\\" reset \"}"))).isEqualTo("{\"title\":\"\\\"VPN\\\" reset\"}");
        assertThat(answers.title(JSON.readTree("{\"id\": \"c\", \"name\": \"\"}"))).isNull();
        assertThat(answers.followUps(JSON.readTree("{\"result\": \"success\", \"data\": [\"Why?\", \" \", \"How long?\"]}")))
                .isEqualTo("{\"follow_ups\":[\"Why?\",\"How long?\"]}");
        assertThat(answers.followUps(JSON.readTree("{\"result\": \"success\", \"data\": []}"))).isNull();
        assertThat(answers.newestMessageId(JSON.readTree("{\"data\": [{\"id\": \"older\"}, {\"id\": \"newest\"}]}"))).isEqualTo("newest");
        assertThat(answers.newestMessageId(JSON.readTree("{\"data\": []}"))).isNull();
    }
}

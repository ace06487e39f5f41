package io.difygateway.frontdoor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.difygateway.errors.OpenAiException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ChatRequestParserTest {

    private final ChatRequestParser parser = new ChatRequestParser(new ObjectMapper());

    @Test
    void parsesOpenWebUiStreamingRequestWithHistoryAndIgnoresUnknownFields() throws Exception {
        ChatCompletionRequest request = parser.parse(Files.readString(Path.of("src/test/resources/openwebui/chat-stream-with-history.json")));
        assertThat(request.model()).isEqualTo("dify-helpdesk");
        assertThat(request.stream()).isTrue();
        assertThat(request.includeUsage()).isTrue();
        assertThat(request.user()).isNull();
        assertThat(request.messages()).extracting(ChatMessage::role).containsExactly("system", "user", "assistant", "user");
        assertThat(request.messages().get(3).text()).isEqualTo("And if I lost the phone with the authenticator app on it?");
        assertThat(request.lastUserIndex()).isEqualTo(3);
    }

    @Test
    void takesTheTextPartsOfAPartsArrayAndSkipsImages() throws Exception {
        ChatCompletionRequest request = parser.parse(Files.readString(Path.of("src/test/resources/openwebui/chat-stream-image-data-uri.json")));
        assertThat(request.messages().get(1).text()).isEqualTo("What does the error dialog in this screenshot mean?");
        assertThat(request.includeUsage()).isFalse();
    }

    @Test
    void joinsSeveralTextParts() {
        ChatCompletionRequest request = parser.parse("""
                {"model":"m","messages":[{"role":"user","content":[{"type":"text","text":"one"},{"type":"text","text":"two"}]}]}""");
        assertThat(request.messages().get(0).text()).isEqualTo("one\n\ntwo");
    }

    @Test
    void userStringIsKeptAndAPipelinesUserObjectIgnored() {
        assertThat(parser.parse("""
                {"model":"m","user":"jane","messages":[{"role":"user","content":"hi"}]}""").user()).isEqualTo("jane");
        assertThat(parser.parse("""
                {"model":"m","user":{"id":"1","name":"Jane"},"messages":[{"role":"user","content":"hi"}]}""").user()).isNull();
    }

    @Test
    void streamDefaultsToFalseAndNullsAreAccepted() {
        ChatCompletionRequest request = parser.parse("""
                {"model":"m","stream":null,"stream_options":null,"messages":[{"role":"assistant","content":null},{"role":"user","content":"hi"}]}""");
        assertThat(request.stream()).isFalse();
        assertThat(request.messages().get(0).text()).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "empty body                 | ``                                                             | null                     | empty",
            "not json                   | `{model: x}`                                                  | null                     | could not parse the JSON",
            "json array                 | `[]`                                                           | null                     | must be a JSON object",
            "model missing              | `{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}`      | model                    | you must provide a model",
            "model a number             | `{\"model\":3,\"messages\":[]}`                                | model                    | must be a string",
            "model empty                | `{\"model\":\" \",\"messages\":[]}`                            | model                    | must not be empty",
            "messages missing           | `{\"model\":\"m\"}`                                            | messages                 | you must provide a messages",
            "messages an object         | `{\"model\":\"m\",\"messages\":{}}`                            | messages                 | must be an array",
            "messages empty             | `{\"model\":\"m\",\"messages\":[]}`                            | messages                 | at least one message",
            "message a string           | `{\"model\":\"m\",\"messages\":[\"hi\"]}`                      | messages[0]              | must be an object",
            "role missing               | `{\"model\":\"m\",\"messages\":[{\"content\":\"hi\"}]}`        | messages[0].role         | must be a string",
            "role unknown               | `{\"model\":\"m\",\"messages\":[{\"role\":\"bot\",\"content\":\"hi\"}]}` | messages[0].role | must be one of",
            "content a number           | `{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":5}]}`     | messages[0].content | must be a string or an array",
            "part without type          | `{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":[{}]}]}`  | messages[0].content[0] | string 'type'",
            "text part without text     | `{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"text\"}]}]}` | messages[0].content[0].text | must be a string",
            "no user message            | `{\"model\":\"m\",\"messages\":[{\"role\":\"system\",\"content\":\"x\"}]}` | messages | role 'user'",
            "last user message no text  | `{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"image_url\",\"image_url\":{\"url\":\"data:image/png;base64,iVBORw0KGgo=\"}}]}]}` | messages | only images or files",
            "stream a string            | `{\"model\":\"m\",\"stream\":\"yes\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}` | stream | must be a boolean",
            "stream_options a string    | `{\"model\":\"m\",\"stream_options\":\"x\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}` | stream_options | must be an object",
            "include_usage a number     | `{\"model\":\"m\",\"stream_options\":{\"include_usage\":1},\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}` | stream_options.include_usage | must be a boolean",
    })
    void rejectsBadRequestsWith400NamingTheField(String name, String body, String param, String message) {
        assertThatThrownBy(() -> parser.parse(body)).isInstanceOfSatisfying(OpenAiException.class, e -> {
            assertThat(e.status()).isEqualTo(400);
            assertThat(e.type()).isEqualTo("invalid_request_error");
            assertThat(e.param()).isEqualTo("null".equals(param) ? null : param);
            assertThat(e.getMessage()).contains(message);
        });
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {"[ | 5000", "{\"a\": | 3000"})
    void aBodyNestedTooDeeplyIsA400SayingSo(String opening, int times) {
        assertThatThrownBy(() -> parser.parse(opening.repeat(times)))
                .isInstanceOfSatisfying(OpenAiException.class, e -> {
                    assertThat(e.status()).isEqualTo(400);
                    assertThat(e.getMessage()).contains("nested too deeply").contains("1000");
                });
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "{\"model\":\"m\",\"messages\":[{\"role\":\"user\" | ends too early",
            "{\"model\": NaN} | Non-standard token 'NaN'",
            "{\"model\": 'm'} | Unexpected character",
            "{model: 1} | Unexpected character",
            "[1,] | Unexpected character"})
    void jsonSyntaxErrorsSayWhatAndWhereWithoutParserInternals(String body, String what) {
        assertThatThrownBy(() -> parser.parse(body))
                .isInstanceOfSatisfying(OpenAiException.class, e -> {
                    assertThat(e.status()).isEqualTo(400);
                    assertThat(e.getMessage()).contains(what).contains("(line 1, column ")
                            .doesNotContain("Source").doesNotContain("Feature").doesNotContain("REDACTED").doesNotContain("`");
                });
    }
}

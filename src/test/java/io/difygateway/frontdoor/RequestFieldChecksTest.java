package io.difygateway.frontdoor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.difygateway.errors.OpenAiException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The typed fields of a chat request are checked like OpenAI does: a 400 naming the field, unknown fields ignored. */
class RequestFieldChecksTest {

    private final ChatRequestParser parser = new ChatRequestParser(new ObjectMapper());

    private static String request(String fields) {
        return "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]" + (fields.isEmpty() ? "" : "," + fields) + "}";
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "\"tools\":\"all\"                                                         | tools",
            "\"tools\":{}                                                              | tools",
            "\"tools\":[1]                                                             | tools[0]",
            "\"tools\":[{\"type\":\"retrieval\"}]                                      | tools[0].type",
            "\"tools\":[{\"type\":\"function\"}]                                       | tools[0].function",
            "\"tools\":[{\"type\":\"function\",\"function\":{}}]                       | tools[0].function.name",
            "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"get weather\"}}] | tools[0].function.name",
            "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"f\",\"parameters\":\"{}\"}}] | tools[0].function.parameters",
            "\"tool_choice\":\"always\"                                                | tool_choice",
            "\"tool_choice\":5                                                         | tool_choice",
            "\"tool_choice\":{\"type\":\"function\"}                                   | tool_choice.function.name",
            "\"tool_choice\":{\"type\":\"tool\"}                                       | tool_choice.type",
            "\"response_format\":\"json\"                                              | response_format",
            "\"response_format\":{\"type\":\"yaml\"}                                   | response_format.type",
            "\"response_format\":{\"type\":\"json_schema\"}                            | response_format.json_schema",
            "\"response_format\":{\"type\":\"json_schema\",\"json_schema\":{}}         | response_format.json_schema.name",
            "\"stop\":5                                                                | stop",
            "\"stop\":[\"a\",\"b\",\"c\",\"d\",\"e\"]                                  | stop",
            "\"stop\":[\"a\",1]                                                        | stop[1]",
            "\"n\":0                                                                   | n",
            "\"n\":\"1\"                                                               | n",
            "\"n\":1.5                                                                 | n",
            "\"n\":2                                                                   | n",
            "\"logprobs\":\"yes\"                                                      | logprobs",
            "\"top_logprobs\":3                                                        | top_logprobs",
            "\"logprobs\":true,\"top_logprobs\":21                                     | top_logprobs",
            "\"max_tokens\":0                                                          | max_tokens",
            "\"max_tokens\":10.5                                                       | max_tokens",
            "\"max_tokens\":\"100\"                                                    | max_tokens",
            "\"max_completion_tokens\":-1                                              | max_completion_tokens",
            "\"temperature\":3                                                         | temperature",
            "\"temperature\":\"hot\"                                                   | temperature",
            "\"top_p\":1.5                                                             | top_p",
            "\"presence_penalty\":-3                                                   | presence_penalty",
            "\"seed\":1.5                                                              | seed",
            "\"parallel_tool_calls\":\"no\"                                            | parallel_tool_calls",
    })
    void aWronglyTypedFieldIsA400NamingIt(String fields, String param) {
        assertThatThrownBy(() -> parser.parse(request(fields)))
                .isInstanceOfSatisfying(OpenAiException.class, e -> {
                    assertThat(e.status()).isEqualTo(400);
                    assertThat(e.param()).isEqualTo(param);
                    assertThat(e.getMessage()).contains(param.replaceAll("\\[.*", ""));
                });
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"description\":\"d\",\"parameters\":{\"type\":\"object\"},\"strict\":true}}]",
            "\"tools\":[],\"tool_choice\":\"auto\"",
            "\"tool_choice\":{\"type\":\"function\",\"function\":{\"name\":\"get_weather\"}}",
            "\"response_format\":{\"type\":\"json_schema\",\"json_schema\":{\"name\":\"answer\",\"schema\":{\"type\":\"object\"}}}",
            "\"response_format\":{\"type\":\"json_object\"}",
            "\"stop\":\"\\n\"", "\"stop\":[\"a\",\"b\",\"c\",\"d\"]", "\"stop\":null",
            "\"n\":1", "\"logprobs\":true,\"top_logprobs\":20", "\"max_tokens\":4096,\"max_completion_tokens\":1",
            "\"temperature\":0.7,\"top_p\":1,\"presence_penalty\":-2,\"frequency_penalty\":2,\"seed\":-42",
            "\"some_future_field\":{\"anything\":[1,2]}", "\"tools\":null,\"tool_choice\":null,\"response_format\":null"
    })
    void wellTypedAndUnknownFieldsPass(String fields) {
        assertThatCode(() -> parser.parse(request(fields))).doesNotThrowAnyException();
    }

    private static String imageRequest(String url) {
        return "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"what is this?\"},"
                + "{\"type\":\"image_url\",\"image_url\":{\"url\":\"" + url + "\"}}]}]}";
    }

    @ParameterizedTest
    @ValueSource(strings = {"data:image/png;base64,!!!!", "data:image/png;base64,", "data:image/png;base64,iVBORw0KGgo=x",
            "data:image/png;base64,A", "data:image/png,iVBORw0KGgo=", "data:text/plain;base64,aGVsbG8=", "data:;base64,aGVsbG8=",
            "data:image/png;base64iVBORw0KGgo=", "ftp://example.com/cat.png", "cat.png"})
    void aBrokenImagePartIsA400NamingThePart(String url) {
        assertThatThrownBy(() -> parser.parse(imageRequest(url)))
                .isInstanceOfSatisfying(OpenAiException.class, e -> {
                    assertThat(e.status()).isEqualTo(400);
                    assertThat(e.param()).isEqualTo("messages[0].content[1].image_url");
                });
    }

    @ParameterizedTest
    @ValueSource(strings = {"data:image/png;base64,iVBORw0KGgo=", "data:image/jpeg;base64,/9j/4AAQ", "https://example.com/cat.png",
            "data:image/svg+xml;base64,PHN2Zz48L3N2Zz4=", "data:image/png;base64,iVBO\\nRw0K"})
    void aValidImagePartPasses(String url) {
        assertThat(parser.parse(imageRequest(url)).messages().get(0).attachments()).hasSize(1);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {"aGVsbG8= | true", "aGVsbG8 | true", "aGVsbA== | true", "a | false", "aGVs=bG8 | false",
            "aGVsbG8=== | false", "aGV$ | false"})
    void base64IsRecognised(String text, boolean valid) {
        assertThat(RequestFieldChecks.isBase64(text, 0)).isEqualTo(valid);
    }
}

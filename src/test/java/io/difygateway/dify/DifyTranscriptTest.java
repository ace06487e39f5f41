package io.difygateway.dify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.difygateway.openai.ChatCompletion;
import io.difygateway.openai.OpenAiException;
import io.difygateway.sse.SseEvent;
import io.difygateway.sse.SseEventReader;
import io.difygateway.support.BufferSseOutput;
import io.difygateway.support.SplitInputStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Dify transcripts (src/test/resources/transcripts/*.sse) through the reader, the event mapper and the OpenAI
 * writer, against golden outputs next to them: {@code *.stream.golden} (streamed with include_usage) and
 * {@code *.completion.golden.json} (not streamed). Run with {@code -Dgolden.update=true} to rewrite the goldens
 * after a deliberate change, then review the diff.
 */
class DifyTranscriptTest {

    private static final Path DIR = Path.of("src/test/resources/transcripts");
    private static final boolean UPDATE = Boolean.getBoolean("golden.update");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final DifyEventMapper mapper = new DifyEventMapper(JSON);

    @ParameterizedTest
    @ValueSource(strings = {"chat-basic", "agent-chat-tool-call", "advanced-chat", "advanced-chat-finished-first",
            "chat-error-midway", "chat-no-message-end", "chat-legacy-crlf-pings"})
    void streamedOutputMatchesGolden(String name) throws IOException {
        byte[] transcript = Files.readAllBytes(DIR.resolve(name + ".sse"));
        String output = stream(transcript.length, new java.io.ByteArrayInputStream(transcript));
        assertGolden(DIR.resolve(name + ".stream.golden"), output);

        for (long seed = 0; seed < 5; seed++) {
            assertThat(stream(transcript.length, new SplitInputStream(transcript, 7, seed)))
                    .as("the same transcript delivered in pieces of 1-7 bytes (seed %d)", seed).isEqualTo(output);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"chat-basic", "agent-chat-tool-call", "advanced-chat", "chat-no-message-end", "chat-legacy-crlf-pings"})
    void aggregatedOutputMatchesGolden(String name) throws IOException {
        byte[] transcript = Files.readAllBytes(DIR.resolve(name + ".sse"));
        ChatCompletion completion = new ChatCompletion("chatcmpl-test", 1700000000L, "helpdesk", false, false, null, JSON);
        feed(new java.io.ByteArrayInputStream(transcript), completion);
        String body = completion.finish();
        assertGolden(DIR.resolve(name + ".completion.golden.json"),
                JSON.writerWithDefaultPrettyPrinter().writeValueAsString(JSON.readTree(body)) + "\n");
    }

    @ParameterizedTest
    @ValueSource(strings = {"chat-error-midway"})
    void aggregatedFailureBecomesAnHttpError(String name) throws IOException {
        ChatCompletion completion = new ChatCompletion("chatcmpl-test", 1700000000L, "helpdesk", false, false, null, JSON);
        feed(Files.newInputStream(DIR.resolve(name + ".sse")), completion);
        assertThatThrownBy(completion::finish).isInstanceOfSatisfying(OpenAiException.class, e -> {
            assertThat(e.status()).isEqualTo(502);
            assertThat(e.code()).isEqualTo("completion_request_error");
            assertThat(e.getMessage()).contains("The server is overloaded or not ready yet.");
        });
    }

    private String stream(int size, InputStream in) throws IOException {
        BufferSseOutput output = new BufferSseOutput();
        ChatCompletion completion = new ChatCompletion("chatcmpl-test", 1700000000L, "helpdesk", true, true, output, JSON);
        feed(in, completion);
        assertThat(completion.finish()).isNull();
        assertThat(output.isClosed()).as("the response is ended").isTrue();
        return output.text();
    }

    private void feed(InputStream in, ChatCompletion completion) throws IOException {
        SseEventReader reader = new SseEventReader(in, 1 << 20);
        SseEvent event;
        while ((event = reader.next()) != null) {
            completion.accept(mapper.map(event));
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

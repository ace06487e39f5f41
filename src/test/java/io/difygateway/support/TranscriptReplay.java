package io.difygateway.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.difygateway.completion.ChatCompletion;
import io.difygateway.completion.ReasoningMode;
import io.difygateway.errors.OpenAiException;
import io.difygateway.sse.SseEvent;
import io.difygateway.sse.UpstreamEvents;
import io.difygateway.upstream.EventMapper;

/**
 * Replays a backend transcript (an SSE or NDJSON file) through the upstream reader, an event mapper and the OpenAI
 * writer, and compares the result with golden files next to it: {@code <case>.stream.golden} (streamed, with
 * include_usage, also when the transcript arrives in pieces of 1-7 bytes) and {@code <case>.completion.golden.json}
 * (not streamed: the answer, or the HTTP error it becomes). Run with {@code -Dgolden.update=true} to rewrite the
 * goldens after a deliberate change, then review the diff.
 */
public final class TranscriptReplay {

    private static final boolean UPDATE = Boolean.getBoolean("golden.update");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final byte[] transcript;
    private final boolean ndjson;
    private final ReasoningMode reasoning;
    private final Supplier<EventMapper> mappers;

    /** @param mappers a new mapper for each replay (a backend's mapper may keep state per stream) */
    public TranscriptReplay(Path transcript, ReasoningMode reasoning, Supplier<EventMapper> mappers) throws IOException {
        this.transcript = Files.readAllBytes(transcript);
        this.ndjson = transcript.toString().endsWith(".ndjson");
        this.reasoning = reasoning;
        this.mappers = mappers;
    }

    /** Streamed whole and in pieces of 1-7 bytes (5 seeds): the same bytes each time, and those of the golden file. */
    public void assertStreamedMatches(Path golden) throws IOException {
        String output = stream(new ByteArrayInputStream(transcript));
        assertGolden(golden, output);
        for (String line : output.split("\n")) {
            assertThat(line.getBytes(StandardCharsets.UTF_8).length).as("SSE line length").isLessThan(64 * 1024);
        }
        for (long seed = 0; seed < 5; seed++) {
            assertThat(stream(new SplitInputStream(transcript, 7, seed)))
                    .as("the same transcript delivered in pieces of 1-7 bytes (seed %d)", seed).isEqualTo(output);
        }
    }

    /** Not streamed: the chat.completion body, or the HTTP error (status and body), as the golden file has it. */
    public void assertAggregatedMatches(Path golden) throws IOException {
        ChatCompletion completion = new ChatCompletion("chatcmpl-test", 1700000000L, "helpdesk", false, false, reasoning, null, JSON);
        feed(new ByteArrayInputStream(transcript), completion);
        Object result;
        try {
            result = JSON.readTree(completion.finish());
        } catch (OpenAiException e) {
            Map<String, Object> failure = new LinkedHashMap<>();
            failure.put("status", e.status());
            failure.put("body", e.toError().envelope());
            result = failure;
        }
        assertGolden(golden, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(result) + "\n");
    }

    /** The bytes a streaming client gets; a failure before anything was sent is an HTTP error, its status and body. */
    private String stream(InputStream in) {
        BufferSseOutput output = new BufferSseOutput();
        ChatCompletion completion = new ChatCompletion("chatcmpl-test", 1700000000L, "helpdesk", true, true, reasoning, output, JSON);
        feed(in, completion);
        try {
            assertThat(completion.finish()).isNull();
        } catch (OpenAiException e) {
            assertThat(completion.isCommitted()).as("only a failure before the first byte is an HTTP error").isFalse();
            try {
                return "HTTP " + e.status() + "\n" + JSON.writeValueAsString(e.toError().envelope()) + "\n";
            } catch (IOException notJson) {
                throw new IllegalStateException(notJson);
            }
        }
        assertThat(output.isClosed()).as("the response is ended").isTrue();
        return output.text();
    }

    private void feed(InputStream in, ChatCompletion completion) {
        UpstreamEvents events = new UpstreamEvents(in, 1 << 20, () -> false, () -> { }, ndjson);
        EventMapper mapper = mappers.get();
        SseEvent event;
        while ((event = events.next()) != null) {
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

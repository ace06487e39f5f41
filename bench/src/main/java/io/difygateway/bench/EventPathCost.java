package io.difygateway.bench;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.difygateway.completion.ChatCompletion;
import io.difygateway.completion.SseOutput;
import io.difygateway.config.ModelDefinition;
import io.difygateway.dify.DifyEventMapper;
import io.difygateway.dify.DifyStreamState;
import io.difygateway.sse.SseEvent;
import io.difygateway.sse.SseEventReader;
import io.difygateway.support.TestModels;

/**
 * What the gateway's own code costs per Dify event, without Camel and sockets: reading the event from the byte
 * stream ({@link SseEventReader}), mapping it ({@link DifyEventMapper}) and writing the OpenAI chunks
 * ({@link ChatCompletion}) into an output that discards them. Replays the test transcripts; run with
 * {@code ./mvnw -Pbench verify -Dbench.main=io.difygateway.bench.EventPathCost}.
 */
public final class EventPathCost {

    private static final Path TRANSCRIPTS = Path.of("src/test/resources/transcripts/dify");
    private static final int REPLAYS = 20_000;

    private EventPathCost() {
    }

    public static void main(String[] args) throws IOException {
        ObjectMapper json = new ObjectMapper();
        DifyEventMapper mapper = new DifyEventMapper(json);
        Map<String, String> appTypes = new LinkedHashMap<>();
        appTypes.put("chat-basic", "chat");
        appTypes.put("advanced-chat-reasoning", "advanced-chat");
        appTypes.put("agent-chat-tool-call", "agent-chat");
        System.out.println("| transcript | events | µs per event (read, map, write) |");
        System.out.println("|---|---|---|");
        for (Map.Entry<String, String> transcript : appTypes.entrySet()) {
            String name = transcript.getKey();
            byte[] sse = Files.readAllBytes(TRANSCRIPTS.resolve(name + ".sse"));
            ModelDefinition model = TestModels.dify(transcript.getValue()).build();
            int events = replay(sse, model, mapper, json);
            double micros = 0;
            for (int round = 0; round < 3; round++) {
                long start = System.nanoTime();
                for (int i = 0; i < REPLAYS; i++) {
                    replay(sse, model, mapper, json);
                }
                micros = (System.nanoTime() - start) / 1000.0 / REPLAYS / events;
            }
            System.out.println("| " + name + " | " + events + " | " + String.format(Locale.ROOT, "%.2f", micros) + " |");
        }
        System.out.println();
        System.out.println("(" + DiscardingOutput.total + " bytes of chunks written in all)");
    }

    /** Streams one transcript through reader, mapper and completion; returns the number of Dify events. */
    private static int replay(byte[] sse, ModelDefinition model, DifyEventMapper mapper, ObjectMapper json) throws IOException {
        SseEventReader reader = new SseEventReader(new ByteArrayInputStream(sse), 1 << 20);
        DifyStreamState state = mapper.open(model, false);
        ChatCompletion completion = new ChatCompletion("chatcmpl-bench", 1700000000L, "bench", true, true, model.reasoning(),
                new DiscardingOutput(), json);
        int events = 0;
        SseEvent event;
        while ((event = reader.next()) != null) {
            completion.accept(mapper.map(event, state));
            events++;
        }
        completion.finish();
        return events;
    }

    /** A client that reads everything at once; counts the bytes so the chunks cannot be optimised away. */
    private static final class DiscardingOutput implements SseOutput {
        private static long total;

        @Override
        public void begin() {
        }

        @Override
        public void write(byte[] data) {
            total += data.length;
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    }
}

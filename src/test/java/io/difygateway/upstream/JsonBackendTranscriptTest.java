package io.difygateway.upstream;

import java.io.IOException;
import java.io.Reader;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import io.difygateway.completion.ReasoningMode;
import io.difygateway.support.TranscriptReplay;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.yaml.snakeyaml.Yaml;

/**
 * Every YAML-only backend (a file of routes/backends that maps its events with the json-event-mapper-action Kamelet)
 * against its transcripts, src/test/resources/transcripts/&lt;backend&gt;/*.sse or *.ndjson: the mapper is made from the
 * Kamelet parameters of the shipped backend file, as Camel makes the Kamelet's bean, so the goldens show what that file
 * does ({@link TranscriptReplay}: streamed whole and in 1-7-byte pieces, and not streamed).
 */
class JsonBackendTranscriptTest {

    private static final Path BACKENDS = Path.of("routes/backends");
    private static final Path TRANSCRIPTS = Path.of("src/test/resources/transcripts");

    /** One transcript of one backend, with the JSONPath parameters of that backend's file. */
    record Case(String backend, Path transcript, Map<String, String> parameters) {
        String name() {
            return transcript.getFileName().toString().replaceFirst("\\.(sse|ndjson)$", "");
        }

        @Override
        public String toString() {
            return backend + "/" + transcript.getFileName();
        }
    }

    static List<Case> cases() throws IOException {
        List<Case> cases = new ArrayList<>();
        try (Stream<Path> backends = Files.list(BACKENDS)) {
            for (Path backend : backends.sorted().toList()) {
                String name = backend.getFileName().toString().replace(".camel.yaml", "");
                Map<String, String> parameters = mapperParameters(backend);
                Path transcripts = TRANSCRIPTS.resolve(name);
                if (parameters == null || !Files.isDirectory(transcripts)) {
                    continue;
                }
                try (Stream<Path> files = Files.list(transcripts)) {
                    files.filter(file -> file.toString().endsWith(".sse") || file.toString().endsWith(".ndjson")).sorted()
                            .forEach(file -> cases.add(new Case(name, file, parameters)));
                }
            }
        }
        return cases;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void streamedOutputMatchesGolden(Case c) throws Exception {
        replay(c).assertStreamedMatches(c.transcript().resolveSibling(c.name() + ".stream.golden"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void aggregatedOutputMatchesGolden(Case c) throws Exception {
        replay(c).assertAggregatedMatches(c.transcript().resolveSibling(c.name() + ".completion.golden.json"));
    }

    private static TranscriptReplay replay(Case c) throws Exception {
        JsonPathEventMapper mapper = new JsonPathEventMapper();
        for (Map.Entry<String, String> parameter : c.parameters().entrySet()) {
            String setter = "set" + Character.toUpperCase(parameter.getKey().charAt(0)) + parameter.getKey().substring(1);
            Method method = JsonPathEventMapper.class.getMethod(setter, String.class);
            method.invoke(mapper, parameter.getValue());
        }
        return new TranscriptReplay(c.transcript(), ReasoningMode.REASONING_CONTENT, () -> mapper);
    }

    /** The parameters of the file's json-event-mapper-action step, or null when it maps its events otherwise. */
    @SuppressWarnings("unchecked")
    private static Map<String, String> mapperParameters(Path backend) throws IOException {
        List<Map<String, Object>> file;
        try (Reader reader = Files.newBufferedReader(backend)) {
            file = new Yaml().load(reader);
        }
        for (Map<String, Object> item : file) {
            Map<String, Object> route = (Map<String, Object>) item.get("route");
            List<Map<String, Object>> steps = (List<Map<String, Object>>) ((Map<String, Object>) route.get("from")).get("steps");
            for (Map<String, Object> step : steps) {
                if (step.get("to") instanceof Map<?, ?> to && "kamelet:json-event-mapper-action".equals(to.get("uri"))) {
                    return (Map<String, String>) to.get("parameters");
                }
            }
        }
        return null;
    }
}

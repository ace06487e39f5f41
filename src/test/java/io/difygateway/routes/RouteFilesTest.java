package io.difygateway.routes;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.Yaml;

/** The build's checks of routes/: a broken route file fails ./mvnw verify with a message naming file and line. */
class RouteFilesTest {

    private static List<Path> yamlFiles(Path folder) throws IOException {
        try (Stream<Path> files = Files.walk(folder)) {
            return files.filter(file -> file.toString().endsWith(".yaml")).sorted().toList();
        }
    }

    @Test
    void everyRouteFileIsValidCanonicalAndComplete() throws IOException {
        RouteFileValidator validator = new RouteFileValidator();
        List<String> problems = validator.validate(yamlFiles(Path.of("routes")));
        assertThat(problems).as(String.join("\n", problems)).isEmpty();
        try (Stream<Path> backends = Files.list(Path.of("routes/backends"))) {
            assertThat(validator.backends()).as("one backend route per file of routes/backends")
                    .containsExactlyInAnyOrderElementsOf(backends.map(file -> file.getFileName().toString().replace(".camel.yaml", "")).toList());
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void everyConfiguredModelHasABackendRoute() throws IOException {
        RouteFileValidator validator = new RouteFileValidator();
        validator.validate(yamlFiles(Path.of("routes")));
        Map<String, Object> config;
        try (Reader reader = Files.newBufferedReader(Path.of("config/application.yaml"))) {
            config = new Yaml().load(reader);
        }
        Map<String, Object> models = (Map<String, Object>) ((Map<String, Object>) config.get("gateway")).get("models");
        if (models != null) {
            models.forEach((id, model) -> assertThat(validator.backends()).as("backend of gateway.models." + id)
                    .contains(String.valueOf(((Map<String, Object>) model).getOrDefault("backend", "dify"))));
        }
    }

    @Test
    void aBrokenRouteFileIsReportedWithFileAndLine() throws IOException {
        List<String> problems = new RouteFileValidator().validate(List.of(Path.of("src/test/resources/routes-broken/broken.camel.yaml")));
        String all = String.join("\n", problems);
        assertThat(all).contains("broken.camel.yaml:2: a top-level 'from' is the deprecated compact form")
                .contains("broken.camel.yaml:8: route 'no-description' has no description")
                .contains("broken.camel.yaml:14: 'to: direct:somewhere' is the compact form")
                .contains("broken.camel.yaml:15: does not match the Camel YAML DSL schema")
                .contains("property 'setBodee' is not defined")
                .contains("broken.camel.yaml:13: no route starts from direct:nowhere")
                .contains("broken.camel.yaml:32: a 'method' expression copies the exchange twice per call; call 'eventMapper'")
                .contains("broken.camel.yaml:42: 'method: open(${variable.chatRequest})' passes arguments as expressions")
                .contains("broken.camel.yaml:46: '${variable.model.upstreamModelName}' walks into an object")
                .contains("broken.camel.yaml:48: toD to '${variable.baseUrl}/tasks/${variable.taskId}/stop' creates an endpoint")
                .contains("per distinct URI; set upstreamUrl and call direct:upstream-call instead");
    }

    @Test
    void aBackendFileMustHoldTheRouteItsNameSays(@TempDir Path folder) throws IOException {
        Path backends = Files.createDirectories(folder.resolve("backends"));
        Path misnamed = Files.copy(Path.of("routes/backends/ollama.camel.yaml"), backends.resolve("llama.camel.yaml"));
        assertThat(new RouteFileValidator().validate(List.of(misnamed)))
                .anySatisfy(problem -> assertThat(problem).contains("llama.camel.yaml must hold the route from direct:backend-llama"));
    }

    @Test
    void aBackendCallsUpstreamOnlyThroughTheSharedCallBlock(@TempDir Path folder) throws IOException {
        Path direct = editedOllamaBackend(folder, "uri: kamelet:upstream-stream-action", "uri: http://ollama:11434/api/chat");
        assertThat(new RouteFileValidator().validate(withBlocks(direct)))
                .anySatisfy(problem -> assertThat(problem).contains("a backend calls 'http://ollama:11434/api/chat' directly"));
    }

    @Test
    void aBackendReadsOnlyTheVariableContractAndWhatItSetsItself(@TempDir Path folder) throws IOException {
        Path typo = editedOllamaBackend(folder, "${variable.upstreamModel}", "${variable.ollamaModel}");
        List<String> problems = new RouteFileValidator().validate(withBlocks(typo));
        assertThat(problems).singleElement().asString().contains("reads the variable 'ollamaModel', which is neither in the variable contract");
        assertThat(new RouteFileValidator().validate(withBlocks(Path.of("routes/backends/ollama.camel.yaml"))))
                .as("upstreamModel is the front door's, messages the request block's; options are option-<key>").isEmpty();
    }

    @Test
    void aKameletCallNamesOnlyTheKameletsParametersAndNoValueCamelWouldSplit(@TempDir Path folder) throws IOException {
        Path calls = editedOllamaBackend(folder, "              path: /api/chat\n              framing: ndjson",
                "              path: /api/chat\n              query: api-version=1&x=2\n              framing: xml\n              api-version: \"1\"");
        List<String> problems = new RouteFileValidator().validate(withBlocks(calls));
        String at = "ollama.camel.yaml:" + lineOf("routes/backends/ollama.camel.yaml", "uri: kamelet:upstream-stream-action") + ": ";
        assertThat(String.join("\n", problems))
                .contains(at + "the value of 'query' holds '&', where Camel splits endpoint parameters: write it as RAW(api-version=1&x=2)")
                .contains(at + "'framing: xml' is not one of sse, ndjson")
                .contains(at + "the Kamelet upstream-stream-action has no parameter 'api-version'");
        Path missing = editedOllamaBackend(folder, "              path: /api/chat\n", "");
        assertThat(new RouteFileValidator().validate(withBlocks(missing)))
                .anySatisfy(problem -> assertThat(problem).contains("the Kamelet upstream-stream-action needs the parameter 'path'"));
    }

    @Test
    void anEndpointOptionOnlyCamelKnowsIsWrongFailsTheBuildWithFileAndLine(@TempDir Path folder) throws IOException {
        Path file = Files.writeString(folder.resolve("query-in-uri.camel.yaml"), """
                - route:
                    id: query-in-uri
                    description: "an endpoint option the direct component does not have"
                    from:
                      uri: direct:query-in-uri
                      steps:
                        - to:
                            uri: direct:query-in-uri?api-version=2024-10-21
                """);
        assertThat(new RouteFileValidator().validate(List.of(file))).singleElement().asString()
                .contains("query-in-uri.camel.yaml:7: Camel cannot make the endpoint direct:query-in-uri?api-version=2024-10-21")
                .contains("api-version");
    }

    @Test
    void aBrokenKameletIsReportedLikeCamelKameletsValidatorWould() throws IOException {
        List<String> problems = new RouteFileValidator().validate(List.of(Path.of("src/test/resources/routes-broken/kamelets/broken-action.kamelet.yaml")));
        assertThat(String.join("\n", problems))
                .contains("broken-action.kamelet.yaml:5: the Kamelet must be named after its file: broken-action")
                .contains("broken-action.kamelet.yaml:13: the parameter 'path' has no description")
                .contains("broken-action.kamelet.yaml:16: the parameter 'unused' is never used")
                .contains("the template uses {{undeclared}}, which is no parameter")
                .contains("broken-action.kamelet.yaml:25: does not match the Camel YAML DSL schema")
                .contains("broken-action.kamelet.yaml:29: 'method: map(${body})' passes arguments as expressions")
                .contains("broken-action.kamelet.yaml: Camel's YAML loader cannot read it: Unknown node id: setBodee");
    }

    /** The line of a file on which a text starts. */
    private static int lineOf(String file, String text) throws IOException {
        String content = Files.readString(Path.of(file));
        assertThat(content).contains(text);
        return (int) content.substring(0, content.indexOf(text)).chars().filter(c -> c == '\n').count() + 1;
    }

    /** The file with the shared blocks and every Kamelet beside it, as the build validates them. */
    private static List<Path> withBlocks(Path backend) throws IOException {
        List<Path> files = new java.util.ArrayList<>(List.of(backend, Path.of("routes/upstream-blocks.camel.yaml")));
        files.addAll(yamlFiles(Path.of("routes/kamelets")));
        return files;
    }

    /** The shipped Ollama backend with one text replaced, as backends/ollama.camel.yaml under {@code folder}. */
    private static Path editedOllamaBackend(Path folder, String text, String replacement) throws IOException {
        String shipped = Files.readString(Path.of("routes/backends/ollama.camel.yaml"));
        assertThat(shipped).contains(text);
        Path file = Files.createDirectories(folder.resolve("backends")).resolve("ollama.camel.yaml");
        return Files.writeString(file, shipped.replace(text, replacement));
    }
}

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
        assertThat(validator.backends()).contains("dify", "openai", "ollama");
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
    void aBackendFileMustHoldTheRouteItsNameSays(@org.junit.jupiter.api.io.TempDir Path folder) throws IOException {
        Path backends = Files.createDirectories(folder.resolve("backends"));
        Path misnamed = Files.copy(Path.of("routes/backends/ollama.camel.yaml"), backends.resolve("llama.camel.yaml"));
        assertThat(new RouteFileValidator().validate(List.of(misnamed)))
                .anySatisfy(problem -> assertThat(problem).contains("llama.camel.yaml must hold the route from direct:backend-llama"));
    }

    @Test
    void aBackendCallsUpstreamOnlyThroughTheSharedCallBlock(@org.junit.jupiter.api.io.TempDir Path folder) throws IOException {
        Path direct = editedOllamaBackend(folder, "uri: direct:upstream-call", "uri: http://ollama:11434/api/chat");
        assertThat(new RouteFileValidator().validate(List.of(direct)))
                .anySatisfy(problem -> assertThat(problem).contains("a backend calls 'http://ollama:11434/api/chat' directly"));
    }

    @Test
    void aBackendReadsOnlyTheVariableContractAndWhatItSetsItself(@org.junit.jupiter.api.io.TempDir Path folder) throws IOException {
        Path typo = editedOllamaBackend(folder, "${variable.baseUrl}/api/chat", "${variable.ollamaUrl}/api/chat");
        Path blocks = Path.of("routes/upstream-blocks.camel.yaml");
        List<String> problems = new RouteFileValidator().validate(List.of(typo, blocks));
        assertThat(problems).singleElement().asString().contains("reads the variable 'ollamaUrl', which is neither in the variable contract");
        assertThat(new RouteFileValidator().validate(List.of(Path.of("routes/backends/ollama.camel.yaml"), blocks)))
                .as("upstreamModel and baseUrl are the front door's, messages the shared block's").isEmpty();
    }

    /** The shipped Ollama backend with one text replaced, as backends/ollama.camel.yaml under {@code folder}. */
    private static Path editedOllamaBackend(Path folder, String text, String replacement) throws IOException {
        Path file = Files.createDirectories(folder.resolve("backends")).resolve("ollama.camel.yaml");
        return Files.writeString(file, Files.readString(Path.of("routes/backends/ollama.camel.yaml")).replace(text, replacement));
    }
}

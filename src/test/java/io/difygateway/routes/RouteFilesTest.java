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
                .contains("broken.camel.yaml:32: a 'method' expression runs for every event of this streaming split"
                        + " and copies the exchange twice each time; call 'eventMapper' with a bean step");
    }
}

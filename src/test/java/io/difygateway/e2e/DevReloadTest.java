package io.difygateway.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import io.difygateway.GatewayApplication;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/** The dev profile: a saved change to a route file takes effect without a restart. */
class DevReloadTest {

    @Test
    void aChangedRouteFileIsReloadedWhileTheGatewayRuns(@TempDir Path work) throws Exception {
        Path routes = work.resolve("routes");
        try (Stream<Path> files = Files.walk(Path.of("routes"))) {
            for (Path file : files.toList()) {
                Path target = routes.resolve(Path.of("routes").relativize(file).toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(file, target);
                }
            }
        }
        String[] args = {"--spring.config.location=file:config/application.yaml,file:config/application-dev.yaml",
                "--server.port=0", "--gateway.env-model.base-url=",
                "--camel.main.routes-include-pattern=file:" + routes + "/*.yaml,file:" + routes + "/backends/*.yaml,file:" + routes + "/kamelets/*.kamelet.yaml",
                "--camel.main.routes-reload-directory=" + routes};
        try (ConfigurableApplicationContext gateway = new SpringApplicationBuilder(GatewayApplication.class).run(args)) {
            URI models = URI.create("http://127.0.0.1:" + gateway.getEnvironment().getProperty("local.server.port") + "/v1/models");
            HttpClient http = HttpClient.newHttpClient();
            assertThat(http.send(HttpRequest.newBuilder(models).build(), HttpResponse.BodyHandlers.discarding()).headers()
                    .firstValue("X-Reloaded")).isEmpty();

            Path frontDoor = routes.resolve("openai-api.camel.yaml");
            String original = Files.readString(frontDoor);
            String header = "        - setHeader:\n            name: Content-Type";
            assertThat(original).contains(header);
            Files.writeString(frontDoor, original.replace(header, "        - setHeader:\n            name: X-Reloaded\n"
                    + "            expression:\n              constant:\n                expression: \"yes\"\n" + header));
            String reloaded = null;
            for (int i = 0; i < 100 && reloaded == null; i++) {
                Thread.sleep(100);
                HttpResponse<Void> response = http.send(HttpRequest.newBuilder(models).build(), HttpResponse.BodyHandlers.discarding());
                reloaded = response.headers().firstValue("X-Reloaded").orElse(null);
            }
            assertThat(reloaded).as("the edited route answers within 10 s, without a restart").isEqualTo("yes");
        }
    }
}

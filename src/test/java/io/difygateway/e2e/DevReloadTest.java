package io.difygateway.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import io.difygateway.GatewayApplication;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The dev profile: a saved change to a route file takes effect without a restart, idle and under steady streaming
 * traffic; the times it took are printed (routes/README.md, "Editing routes while the gateway runs", quotes them).
 */
class DevReloadTest {

    private static final String HEADER = "        - setHeader:\n            name: Content-Type";

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
                "--server.port=0", "--gateway.env-model.base-url=", "--gateway.demo.word-delay=20ms",
                "--camel.main.routes-include-pattern=file:" + routes + "/*.yaml,file:" + routes + "/backends/*.yaml,file:" + routes + "/embeddings/*.yaml,file:" + routes + "/audio/*.yaml,file:" + routes + "/kamelets/*.kamelet.yaml",
                "--camel.main.routes-reload-directory=" + routes};
        try (ConfigurableApplicationContext gateway = new SpringApplicationBuilder(GatewayApplication.class).run(args)) {
            String base = "http://127.0.0.1:" + gateway.getEnvironment().getProperty("local.server.port");
            HttpClient http = HttpClient.newHttpClient();
            Path frontDoor = routes.resolve("openai-api.camel.yaml");
            String original = Files.readString(frontDoor);
            assertThat(original).contains(HEADER);
            assertThat(reloadedHeader(http, base)).isNull();

            Duration idle = edit(http, base, frontDoor, original, "idle");
            System.out.println("Dev reload, idle: " + idle.toMillis() + " ms");
            assertThat(idle).as("the edited route answers within 10 s, without a restart").isLessThan(Duration.ofSeconds(10));

            // steady traffic: 8 clients streaming the demo answer (about 1 s each) back to back
            AtomicBoolean running = new AtomicBoolean(true);
            Map<Integer, AtomicInteger> statuses = new ConcurrentHashMap<>();
            ExecutorService clients = Executors.newFixedThreadPool(8);
            for (int i = 0; i < 8; i++) {
                clients.submit(() -> {
                    while (running.get()) {
                        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(base + "/v1/chat/completions"))
                                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(
                                        "{\"model\":\"demo\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"Tell me about the refund policy of annual plans\"}]}"))
                                .build(), HttpResponse.BodyHandlers.ofString());
                        statuses.computeIfAbsent(response.statusCode(), status -> new AtomicInteger()).incrementAndGet();
                    }
                    return null;
                });
            }
            Thread.sleep(1500);
            Duration busy = edit(http, base, frontDoor, original, "busy");
            running.set(false);
            clients.shutdown();
            assertThat(clients.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
            System.out.println("Dev reload, 8 streams in flight: " + busy.toMillis() + " ms; answers by status: " + statuses);
            assertThat(busy).as("under traffic the reload waits for the streams in flight").isLessThan(Duration.ofSeconds(30));
            // while the file's routes are swapped, platform-http answers a request that arrives with an empty 503 or 500
            // (counted in the line above; routes/README.md says so): afterwards every request is served again
            assertThat(statuses.get(200)).as("streams were served around the reload").isNotNull();
            HttpResponse<String> after = http.send(HttpRequest.newBuilder(URI.create(base + "/v1/chat/completions"))
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(
                            "{\"model\":\"demo\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(after.statusCode()).isEqualTo(200);
            assertThat(after.body()).endsWith("data: [DONE]\n\n");
        }
    }

    /** Saves the front door with an X-Reloaded header of this value; the time until a request sees it. */
    private static Duration edit(HttpClient http, String base, Path frontDoor, String original, String value) throws Exception {
        long start = System.nanoTime();
        Files.writeString(frontDoor, original.replace(HEADER, "        - setHeader:\n            name: X-Reloaded\n"
                + "            expression:\n              constant:\n                expression: \"" + value + "\"\n" + HEADER));
        while (!value.equals(reloadedHeader(http, base))) {
            assertThat(Duration.ofNanos(System.nanoTime() - start)).as("no reload within 60 s").isLessThan(Duration.ofSeconds(60));
            Thread.sleep(20);
        }
        return Duration.ofNanos(System.nanoTime() - start);
    }

    private static String reloadedHeader(HttpClient http, String base) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(base + "/v1/models")).build(), HttpResponse.BodyHandlers.discarding())
                .headers().firstValue("X-Reloaded").orElse(null);
    }
}

package io.difygateway.image;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.difygateway.support.OpenAiStreams;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The container image Jib wrote to target/jib-image.tar ({@code ./mvnw -Pimage verify}): its configuration, its
 * files, and the gateway started exactly as its entrypoint says, from the image's own files (the machine's JDK stands
 * in for the base image's JRE, so the check also runs offline with {@code -Dimage.base=scratch}).
 */
class ContainerImageIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String MAIN_CLASS = "io.difygateway.GatewayApplication";

    @TempDir
    static Path unpacked;

    static JsonNode config;
    static JsonNode manifest;
    static Path rootfs;
    static final List<String> layerListings = new ArrayList<>();

    @BeforeAll
    static void unpackImage() throws Exception {
        Path tarball = Path.of(System.getProperty("image.tarball", "target/jib-image.tar"));
        assertThat(tarball).as("run ./mvnw -Pimage verify to build the image tarball first").exists();
        run(unpacked, "tar", "-xf", tarball.toAbsolutePath().toString());
        manifest = JSON.readTree(unpacked.resolve("manifest.json").toFile()).get(0);
        config = JSON.readTree(unpacked.resolve(manifest.get("Config").asText()).toFile());
        rootfs = Files.createDirectory(unpacked.resolve("rootfs"));
        for (JsonNode layer : manifest.get("Layers")) {
            String layerFile = unpacked.resolve(layer.asText()).toString();
            run(rootfs, "tar", "--warning=no-unknown-keyword", "-xzf", layerFile);
            layerListings.add(run(rootfs, "tar", "--warning=no-unknown-keyword", "-tvzf", layerFile));
        }
    }

    @Test
    void theImageIsTaggedWithTheProjectVersion() {
        List<String> tags = new ArrayList<>();
        manifest.get("RepoTags").forEach(tag -> tags.add(tag.asText()));
        assertThat(tags).contains("dify-openai-gateway:latest").anyMatch(tag -> tag.matches("dify-openai-gateway:\\d+\\.\\d+\\.\\d+.*"));
    }

    @Test
    void theContainerRunsAsNonRootOnPort8080WithVirtualThreads() {
        JsonNode container = config.get("config");
        assertThat(container.get("User").asText()).isEqualTo("65532:65532");
        assertThat(container.get("ExposedPorts").has("8080/tcp")).isTrue();
        assertThat(container.get("WorkingDir").asText()).isEqualTo("/app");
        assertThat(textValues(container.get("Env"))).contains("PORT=8080", "SPRING_THREADS_VIRTUAL_ENABLED=true");
        assertThat(container.get("Volumes").has("/app/config")).isTrue();
        assertThat(container.get("Volumes").has("/app/routes")).isTrue();
        assertThat(container.get("Labels").get("io.difygateway.healthcheck").asText())
                .isEqualTo("java -cp /app/classes io.difygateway.HealthProbe");
        List<String> entrypoint = textValues(container.get("Entrypoint"));
        assertThat(entrypoint.get(0)).isEqualTo("java");
        assertThat(entrypoint).contains("-XX:MaxRAMPercentage=75", "-XX:+ExitOnOutOfMemoryError", "-cp", "@/app/jib-classpath-file");
        assertThat(entrypoint.get(entrypoint.size() - 1)).isEqualTo(MAIN_CLASS);
    }

    @Test
    void routesAndConfigAreTheProjectsFilesAndReadableByTheContainerUser() throws IOException {
        for (String file : List.of("routes/openai-api.camel.yaml", "routes/error-handling.camel.yaml",
                "routes/backends/dify.camel.yaml", "config/application.yaml")) {
            assertThat(rootfs.resolve("app").resolve(file)).hasSameBinaryContentAs(Path.of(file));
        }
        assertThat(rootfs.resolve("app/classes/io/difygateway/HealthProbe.class")).exists();
        // the files belong to root: user 65532 reads them through the "other" permission bits
        for (String listing : layerListings) {
            listing.lines().filter(line -> !line.isBlank()).forEach(line -> {
                String mode = line.substring(0, 10);
                assertThat(mode.charAt(7)).as("world-readable: %s", line).isEqualTo('r');
                if (mode.charAt(0) == 'd') {
                    assertThat(mode.charAt(9)).as("world-searchable: %s", line).isEqualTo('x');
                }
            });
        }
    }

    @Test
    void theEntrypointStartsTheGatewayFromTheImagesFilesAndTheHealthProbeSeesItReady() throws Exception {
        Path app = rootfs.resolve("app");
        int port = freePort();
        List<String> command = entrypointOnThisMachine(app);
        ProcessBuilder gateway = new ProcessBuilder(command).directory(app.toFile())
                .redirectErrorStream(true).redirectOutput(unpacked.resolve("gateway.log").toFile());
        Map<String, String> environment = gateway.environment();
        environment.keySet().removeIf(name -> name.startsWith("DIFY_") || name.startsWith("GATEWAY_"));
        textValues(config.get("config").get("Env")).forEach(pair -> environment.put(pair.substring(0, pair.indexOf('=')),
                pair.substring(pair.indexOf('=') + 1)));
        environment.put("PORT", String.valueOf(port));
        environment.put("GATEWAY_DEMO_WORD_DELAY", "1ms");
        Process process = gateway.start();
        try {
            String readiness = "http://127.0.0.1:" + port + "/actuator/health/readiness";
            assertThat(healthProbe(app, readiness)).as("not ready before the gateway started").isEqualTo(1);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
            int probeExit = 1;
            while (probeExit != 0 && process.isAlive() && System.nanoTime() < deadline) {
                Thread.sleep(500);
                probeExit = healthProbe(app, readiness);
            }
            assertThat(probeExit).as("health probe, log:%n%s", Files.readString(unpacked.resolve("gateway.log"))).isZero();

            HttpClient http = HttpClient.newHttpClient();
            HttpResponse<String> models = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/models")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(JSON.readTree(models.body()).get("data").findValuesAsText("id")).containsExactly("demo");
            HttpResponse<String> chat = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/chat/completions"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(
                            "{\"model\":\"demo\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"Hello image\"}]}"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(OpenAiStreams.content(OpenAiStreams.chunks(chat.body()))).contains("You said: \"Hello image\"");
        } finally {
            process.destroy();
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }

    /** The image's entrypoint with its absolute /app paths pointed at the unpacked root, and this JDK's java. */
    private static List<String> entrypointOnThisMachine(Path app) throws IOException {
        List<String> command = new ArrayList<>();
        for (String argument : textValues(config.get("config").get("Entrypoint"))) {
            if (argument.equals("java")) {
                command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            } else if (argument.equals("@/app/jib-classpath-file")) {
                command.add(Files.readString(app.resolve("jib-classpath-file")).trim().replace("/app/", app + "/"));
            } else {
                command.add(argument.replace("=/tmp", "=" + unpacked));
            }
        }
        return command;
    }

    /** Runs the image's health check command against a URL and returns its exit code. */
    private static int healthProbe(Path app, String url) throws Exception {
        Process probe = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", app.resolve("classes").toString(), "io.difygateway.HealthProbe", url)
                .redirectErrorStream(true).start();
        probe.getInputStream().readAllBytes();
        assertThat(probe.waitFor(20, TimeUnit.SECONDS)).isTrue();
        return probe.exitValue();
    }

    private static List<String> textValues(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(value -> values.add(value.asText()));
        return values;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static String run(Path directory, String... command) throws Exception {
        Process process = new ProcessBuilder(command).directory(directory.toFile()).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(2, TimeUnit.MINUTES)).isTrue();
        assertThat(process.exitValue()).as("%s: %s", String.join(" ", command), output).isZero();
        return output;
    }
}

package io.difygateway.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.Reader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.difygateway.GatewayApplication;
import io.difygateway.config.GatewayProperties;
import io.difygateway.support.OpenAiStreams;
import io.difygateway.support.Readiness;
import io.difygateway.support.RedisServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;
import org.springframework.core.io.FileSystemResource;
import org.yaml.snakeyaml.Yaml;

/**
 * deploy/: the compose file and the Kubernetes manifests agree with the gateway they run (environment variable names
 * that bind, probe paths, the image's user, port and volumes, every route file in the routes ConfigMap), and the
 * Kubernetes profile starts a working gateway from a flat routes folder with the Redis store.
 */
class DeploymentFilesTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path COMPOSE = Path.of("deploy/compose.yaml");
    private static final Path K8S = Path.of("deploy/k8s");
    private static final Pattern VARIABLE = Pattern.compile("\\$\\{(\\w+)(?::?[-?][^}]*)?}");

    @Test
    void composeEnvironmentBindsToTheGatewaysConfiguration() throws IOException {
        Map<String, Object> gatewayService = service("gateway");
        Map<String, Object> environment = new LinkedHashMap<>();
        mapOf(gatewayService.get("environment")).forEach((name, value) -> environment.put(name, substitute(String.valueOf(value))));

        StandardEnvironment spring = new StandardEnvironment();
        // the "-systemEnvironment" suffix makes Spring Boot map names like GATEWAY_AUTH_KEYS_0_KEY as it does for real variables
        spring.getPropertySources().addFirst(new SystemEnvironmentPropertySource("compose-systemEnvironment", environment));
        new YamlPropertySourceLoader().load("application", new FileSystemResource("config/application.yaml"))
                .forEach(spring.getPropertySources()::addLast);
        ConfigurationPropertySources.attach(spring);
        GatewayProperties properties = Binder.get(spring).bind("gateway", GatewayProperties.class).get();

        assertThat(properties.getAuth().getKeys()).hasSize(1);
        assertThat(properties.getAuth().getKeys().get(0).getName()).isEqualTo("open-webui");
        assertThat(properties.getAuth().getKeys().get(0).getKey()).isEqualTo("value-of-GATEWAY_KEY");
        assertThat(properties.getAuth().getKeys().get(0).getModels()).containsExactly("*");
        assertThat(properties.getConversations().getStore()).isEqualTo("redis");
        assertThat(properties.getEnvModel().getBaseUrl()).isEqualTo("value-of-DIFY_BASE_URL");
        assertThat(properties.getEnvModel().getApiKey()).isEqualTo("value-of-DIFY_API_KEY");
        assertThat(spring.getProperty("spring.data.redis.host")).isEqualTo("redis");
        assertThat(spring.getProperty("management.health.redis.enabled")).isEqualTo("true");
    }

    @Test
    void composeWiresOpenWebUiToTheGatewayWithTheSameKeyAndForwardedUserHeaders() throws IOException {
        Map<String, Object> openWebUi = mapOf(service("open-webui").get("environment"));
        assertThat(openWebUi.get("OPENAI_API_BASE_URL")).isEqualTo("http://gateway:8080/v1");
        assertThat(openWebUi.get("OPENAI_API_KEY")).isEqualTo("${GATEWAY_KEY}");
        assertThat(openWebUi.get("ENABLE_FORWARD_USER_INFO_HEADERS")).isEqualTo("true");
        assertThat(String.valueOf(mapOf(service("gateway").get("environment")).get("GATEWAY_AUTH_KEYS_0_KEY"))).startsWith("${GATEWAY_KEY:?");

        List<Object> healthCheck = listOf(mapOf(service("gateway").get("healthcheck")).get("test"));
        assertThat(String.join(" ", healthCheck.subList(1, healthCheck.size()).stream().map(String::valueOf).toList()))
                .isEqualTo(pomValue("io.difygateway.healthcheck"));
        assertThat(listOf(service("gateway").get("volumes")))
                .contains("../config:/app/config:ro", "../routes:/app/routes:ro");
        assertThat(Path.of("deploy").resolve("../config")).isDirectory();

        // every variable the compose file needs is in the example .env
        Properties example = new Properties();
        try (Reader reader = Files.newBufferedReader(Path.of("deploy/.env.example"))) {
            example.load(reader);
        }
        Matcher required = Pattern.compile("\\$\\{(\\w+):\\?").matcher(Files.readString(COMPOSE));
        List<String> requiredVariables = new ArrayList<>();
        while (required.find()) {
            requiredVariables.add(required.group(1));
        }
        assertThat(requiredVariables).contains("GATEWAY_KEY", "WEBUI_SECRET_KEY");
        assertThat(example.stringPropertyNames()).containsAll(requiredVariables).contains("DIFY_BASE_URL", "DIFY_API_KEY");
    }

    @Test
    void theRoutesConfigMapHoldsEveryRouteFileAndNothingElse() throws IOException {
        Map<String, Object> kustomization = load(K8S.resolve("kustomization.yaml"));
        List<Path> listed = new ArrayList<>();
        for (Object generator : listOf(kustomization.get("configMapGenerator"))) {
            Map<String, Object> configMap = mapOf(generator);
            if (configMap.get("name").equals("gateway-routes")) {
                listOf(configMap.get("files")).forEach(file -> listed.add(K8S.resolve(String.valueOf(file)).normalize()));
            }
        }
        List<Path> routeFiles;
        try (Stream<Path> files = Files.walk(Path.of("routes"))) {
            routeFiles = files.filter(file -> file.toString().endsWith(".yaml")).map(Path::normalize).toList();
        }
        assertThat(listed).containsExactlyInAnyOrderElementsOf(routeFiles);
        assertThat(listed.stream().map(Path::getFileName).distinct()).as("flat: no two files of the same name").hasSize(listed.size());
    }

    @Test
    void theDeploymentMatchesTheImageAndTheActuator() throws IOException {
        Map<String, Object> deployment = load(K8S.resolve("deployment.yaml"));
        Map<String, Object> pod = mapOf(mapOf(mapOf(deployment.get("spec")).get("template")).get("spec"));
        Map<String, Object> container = mapOf(listOf(pod.get("containers")).get(0));

        assertThat(mapOf(listOf(container.get("ports")).get(0)).get("containerPort")).isEqualTo(8080);
        assertThat(probePath(container, "startupProbe")).isEqualTo("/actuator/health/liveness");
        assertThat(probePath(container, "livenessProbe")).isEqualTo("/actuator/health/liveness");
        assertThat(probePath(container, "readinessProbe")).isEqualTo("/actuator/health/readiness");

        String imageUser = pomValue("user");
        Map<String, Object> podSecurity = mapOf(pod.get("securityContext"));
        assertThat(podSecurity.get("runAsUser") + ":" + podSecurity.get("runAsGroup")).isEqualTo(imageUser);
        assertThat(podSecurity.get("runAsNonRoot")).isEqualTo(true);

        List<String> mountPaths = listOf(container.get("volumeMounts")).stream().map(mount -> String.valueOf(mapOf(mount).get("mountPath"))).toList();
        assertThat(mountPaths).contains("/app/config", "/app/routes", "/tmp");
        assertThat(Files.readString(Path.of("pom.xml"))).contains("<volume>/app/config</volume>", "<volume>/app/routes</volume>");

        Map<String, String> env = new LinkedHashMap<>();
        List<String> secretKeys = new ArrayList<>();
        for (Object variable : listOf(container.get("env"))) {
            Map<String, Object> entry = mapOf(variable);
            if (entry.containsKey("valueFrom")) {
                secretKeys.add(String.valueOf(mapOf(mapOf(entry.get("valueFrom")).get("secretKeyRef")).get("key")));
            } else {
                env.put(String.valueOf(entry.get("name")), String.valueOf(entry.get("value")));
            }
        }
        assertThat(env).containsEntry("SPRING_PROFILES_ACTIVE", "kubernetes");
        Properties secrets = new Properties();
        try (Reader reader = Files.newBufferedReader(K8S.resolve("secrets.env.example"))) {
            secrets.load(reader);
        }
        assertThat(secrets.stringPropertyNames()).containsExactlyInAnyOrderElementsOf(secretKeys);
        assertThat(Files.readString(K8S.resolve("application-kubernetes.yaml"))).contains("${GATEWAY_KEY_OPENWEBUI}");
    }

    @Test
    void theKubernetesProfileServesFromAFlatRoutesFolderWithTheRedisStore(@TempDir Path flatRoutes) throws Exception {
        try (RedisServer redis = RedisServer.startOrSkip()) {
            try (Stream<Path> files = Files.walk(Path.of("routes"))) {
                for (Path file : files.filter(file -> file.toString().endsWith(".yaml")).toList()) {
                    Files.copy(file, flatRoutes.resolve(file.getFileName()));
                }
            }
            String key = "sk-gw-k8s-profile-7b3e9d1c";
            try (ConfigurableApplicationContext gateway = new SpringApplicationBuilder(GatewayApplication.class).run(
                    "--spring.config.location=file:config/application.yaml,file:deploy/k8s/application-kubernetes.yaml",
                    "--server.port=0", "--gateway.env-model.base-url=", "--gateway.demo.word-delay=1ms",
                    "--GATEWAY_KEY_OPENWEBUI=" + key, "--REDIS_HOST=127.0.0.1", "--REDIS_PORT=" + redis.port(),
                    "--camel.main.routes-include-pattern=file:" + flatRoutes.toAbsolutePath() + "/*.yaml")) {
                String base = "http://127.0.0.1:" + gateway.getEnvironment().getProperty("local.server.port");
                HttpClient http = HttpClient.newHttpClient();
                assertThat(gateway.getBean(GatewayProperties.class).getConversations().getStore()).isEqualTo("redis");

                HttpResponse<String> anonymous = http.send(HttpRequest.newBuilder(URI.create(base + "/v1/models")).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(anonymous.statusCode()).isEqualTo(401);
                HttpResponse<String> chat = http.send(HttpRequest.newBuilder(URI.create(base + "/v1/chat/completions"))
                        .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(
                                "{\"model\":\"demo\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"Hello cluster\"}]}"))
                        .build(), HttpResponse.BodyHandlers.ofString());
                assertThat(chat.statusCode()).as(chat.body()).isEqualTo(200);
                assertThat(OpenAiStreams.content(OpenAiStreams.chunks(chat.body()))).contains("You said: \"Hello cluster\"");

                JsonNode health = JSON.readTree(http.send(HttpRequest.newBuilder(URI.create(base + "/actuator/health")).build(),
                        HttpResponse.BodyHandlers.ofString()).body());
                assertThat(health.at("/components/redis/status").asText()).isEqualTo("UP");
                // readiness turns UP once the start-up warm-up is through, as the pod's readiness probe sees it
                Readiness.awaitWarmUp(gateway.getBean("warmUp", HealthIndicator.class));
                HttpResponse<String> readiness = http.send(HttpRequest.newBuilder(URI.create(base + "/actuator/health/readiness")).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(readiness.statusCode()).as(readiness.body()).isEqualTo(200);
            }
        }
    }

    private static String probePath(Map<String, Object> container, String probe) {
        return String.valueOf(mapOf(mapOf(container.get(probe)).get("httpGet")).get("path"));
    }

    private static Map<String, Object> service(String name) throws IOException {
        return mapOf(mapOf(load(COMPOSE).get("services")).get(name));
    }

    /** A compose value with every ${VAR...} replaced by "value-of-VAR", as docker compose would with a filled .env. */
    private static String substitute(String value) {
        return VARIABLE.matcher(value).replaceAll(match -> "value-of-" + match.group(1));
    }

    private static String pomValue(String element) throws IOException {
        Matcher matcher = Pattern.compile("<" + Pattern.quote(element) + ">([^<]+)</" + Pattern.quote(element) + ">")
                .matcher(Files.readString(Path.of("pom.xml")));
        assertThat(matcher.find()).as("<%s> in pom.xml", element).isTrue();
        return matcher.group(1);
    }

    private static Map<String, Object> load(Path file) throws IOException {
        try (Reader reader = Files.newBufferedReader(file)) {
            return mapOf(new Yaml().load(reader));
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> mapOf(Object value) {
        assertThat(value).isInstanceOf(Map.class);
        return (Map<String, Object>) value;
    }

    @SuppressWarnings("unchecked")
    private static List<Object> listOf(Object value) {
        assertThat(value).isInstanceOf(List.class);
        return (List<Object>) value;
    }
}

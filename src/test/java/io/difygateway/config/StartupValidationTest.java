package io.difygateway.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import io.difygateway.GatewayApplication;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/** A configuration that cannot work stops startup with a message that names the key. */
class StartupValidationTest {

    private static ConfigurableApplicationContext start(String... properties) {
        String[] all = new String[properties.length + 3];
        all[0] = "spring.config.location=file:config/application.yaml";
        all[1] = "server.port=0";
        all[2] = "gateway.env-model.base-url=";
        System.arraycopy(properties, 0, all, 3, properties.length);
        // command-line arguments: they override config/application.yaml, as the test needs
        return new SpringApplicationBuilder(GatewayApplication.class).run(java.util.Arrays.stream(all).map(p -> "--" + p).toArray(String[]::new));
    }

    private static Throwable rootOf(Throwable failure) {
        Throwable root = failure;
        while (root.getCause() != null && !(root instanceof GatewayConfigException)) {
            root = root.getCause();
        }
        return root;
    }

    @Test
    void aModelWithoutApiKeyStopsStartup() {
        assertThatThrownBy(() -> start("gateway.models.helpdesk.base-url=http://dify.internal/v1"))
                .satisfies(e -> assertThat(rootOf(e)).isInstanceOf(GatewayConfigException.class)
                        .hasMessageContaining("gateway.models.helpdesk.api-key is missing"));
    }

    @Test
    void anUnknownAppTypeStopsStartup() {
        assertThatThrownBy(() -> start("gateway.models.helpdesk.base-url=http://dify.internal/v1",
                "gateway.models.helpdesk.api-key=app-x", "gateway.models.helpdesk.app-type=chatflow"))
                .satisfies(e -> assertThat(rootOf(e)).hasMessageContaining("gateway.models.helpdesk.app-type 'chatflow'"));
    }

    @Test
    void aBackendWithoutARouteStopsStartup() throws IOException {
        String shipped;
        try (Stream<Path> files = Files.list(Path.of("routes/backends"))) {
            shipped = String.join(", ", files.map(file -> file.getFileName().toString().replace(".camel.yaml", "")).sorted().toList());
        }
        assertThatThrownBy(() -> start("gateway.models.helpdesk.base-url=http://dify.internal/v1",
                "gateway.models.helpdesk.api-key=app-x", "gateway.models.helpdesk.backend=nosuch"))
                .satisfies(e -> assertThat(rootOf(e)).isInstanceOf(GatewayConfigException.class)
                        .hasMessageContaining("Model 'helpdesk' uses backend 'nosuch'")
                        .hasMessageContaining("direct:backend-nosuch")
                        .hasMessageContaining("routes found for: " + shipped + ")"));
    }

    @Test
    void aValidConfigurationStarts() {
        try (ConfigurableApplicationContext context = start("gateway.models.helpdesk.base-url=http://dify.internal/v1",
                "gateway.models.helpdesk.api-key=app-x")) {
            assertThat(context.getBean(ModelRegistry.class).resolve("helpdesk").backend()).isEqualTo("dify");
        }
    }

    @Test
    void anUnknownModelKeyStopsStartupNamingItAndTheNearestValidKey() {
        assertThatThrownBy(() -> start("gateway.models.helpdesk.base-url=http://dify.internal/v1",
                "gateway.models.helpdesk.api-key=app-x", "gateway.models.helpdesk.upstream-modle=gpt-4o"))
                .satisfies(e -> assertThat(rootOf(e)).isInstanceOf(GatewayConfigException.class)
                        .hasMessageContaining("gateway.models.helpdesk.upstream-modle")
                        .satisfies(problem -> assertThat(((GatewayConfigException) problem).action())
                                .contains("gateway.models.helpdesk.upstream-model")));
    }

    @Test
    void anUnknownKeyAnywhereUnderGatewayStopsStartup() {
        assertThatThrownBy(() -> start("gateway.upstream.timeouts.frist-event=5s"))
                .satisfies(e -> assertThat(((GatewayConfigException) rootOf(e)).action()).contains("gateway.upstream.timeouts.first-event"));
    }

    @Test
    void relaxedFormsOfValidKeysAndFreeInputKeysStart() {
        try (ConfigurableApplicationContext context = start("gateway.models.helpdesk.base-url=http://dify.internal/v1",
                "gateway.models.helpdesk.api_key=app-x", "gateway.models.helpdesk.upstreamModel=m",
                "gateway.models.helpdesk.inputs.any-variable_name=v", "gateway.models.helpdesk.timeouts.first_event=3s")) {
            assertThat(context.getBean(ModelRegistry.class).resolve("helpdesk").timeouts().firstEvent()).hasSeconds(3);
        }
    }

    @Test
    void withoutRouteFilesStartupSaysWhereItLookedAndWhichPropertySetsIt() {
        assertThatThrownBy(() -> start("camel.main.routes-include-pattern=file:docs/*.yaml"))
                .satisfies(e -> assertThat(rootOf(e)).isInstanceOf(GatewayConfigException.class)
                        .hasMessageContaining("No route files were found")
                        .hasMessageContaining("camel.main.routes-include-pattern=file:docs/*.yaml")
                        .hasMessageContaining(java.nio.file.Path.of("").toAbsolutePath().toString()));
    }

    @Test
    void aRoutesFolderThatDoesNotExistIsReportedByName() {
        org.springframework.mock.env.MockEnvironment environment = new org.springframework.mock.env.MockEnvironment()
                .withProperty("camel.main.routes-include-pattern", "file:routes/*.yaml");
        java.nio.file.NoSuchFileException missing = new java.nio.file.NoSuchFileException("routes");
        org.springframework.boot.diagnostics.FailureAnalysis analysis = new MissingRoutesFolderFailureAnalyzer(environment)
                .analyze(new IllegalStateException("Failed to start Camel", missing));
        assertThat(analysis.getDescription()).contains("No route files were found")
                .contains(java.nio.file.Path.of("routes").toAbsolutePath().toString()).contains("camel.main.routes-include-pattern=file:routes/*.yaml");
        assertThatThrownBy(() -> start("camel.main.routes-include-pattern=file:no-such-folder/*.yaml"))
                .hasRootCauseInstanceOf(java.nio.file.NoSuchFileException.class);
    }
}

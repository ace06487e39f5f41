package io.difygateway.support;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.util.ArrayList;
import java.util.List;

import io.difygateway.GatewayApplication;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A gateway of its own (not the shared test context) with config/application.yaml, a fake Dify behind the model
 * {@code helpdesk}, and the test's extra properties: for tests that need settings the shared context must not have.
 */
public final class StandaloneGateway implements AutoCloseable {

    private final FakeDify dify;
    private final ConfigurableApplicationContext context;

    public StandaloneGateway(String... extraProperties) throws IOException {
        dify = new FakeDify();
        List<String> arguments = new ArrayList<>(List.of("--spring.config.location=file:config/application.yaml", "--server.port=0",
                "--gateway.env-model.base-url=", "--gateway.models.helpdesk.base-url=" + dify.baseUrl(),
                "--gateway.models.helpdesk.api-key=app-standalone-secret"));
        for (String property : extraProperties) {
            arguments.add("--" + property);
        }
        try {
            context = new SpringApplicationBuilder(GatewayApplication.class).run(arguments.toArray(String[]::new));
        } catch (RuntimeException e) {
            dify.close();
            throw e;
        }
        Readiness.awaitWarmUp(context.getBean("warmUp", HealthIndicator.class));
    }

    public FakeDify dify() {
        return dify;
    }

    /** A streamed chat completion for {@code helpdesk}, with the given extra headers (name, value, ...). */
    public HttpRequest streamedChat(String... headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                        + context.getEnvironment().getProperty("local.server.port") + "/v1/chat/completions"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(
                        "{\"model\":\"helpdesk\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"));
        if (headers.length > 0) {
            request.headers(headers);
        }
        return request.build();
    }

    @Override
    public void close() {
        context.close();
        dify.close();
    }
}

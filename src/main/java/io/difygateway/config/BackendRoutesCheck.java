package io.difygateway.config;

import java.util.Set;
import java.util.TreeSet;

import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.apache.camel.StartupListener;
import org.apache.camel.spring.boot.CamelContextConfiguration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Stops startup when a model names a backend that has no {@code direct:backend-<name>} route, which is
 * also what happens when the routes/ folder was not found at all. Runs when the Camel context starts, after
 * the routes were loaded; its failure fails the start. After a route reload it only warns.
 */
@Component
public class BackendRoutesCheck implements CamelContextConfiguration, StartupListener {

    private static final Logger LOG = LoggerFactory.getLogger(BackendRoutesCheck.class);

    static final String BACKEND_ENDPOINT_PREFIX = "direct://backend-";

    private final ModelRegistry models;

    public BackendRoutesCheck(ModelRegistry models) {
        this.models = models;
    }

    @Override
    public void beforeApplicationStart(CamelContext camel) {
        try {
            camel.addStartupListener(this);
        } catch (Exception e) {
            throw new IllegalStateException("cannot register the backend routes check", e);
        }
    }

    @Override
    public void afterApplicationStart(CamelContext camel) {
        // checked in onCamelContextStarted, where a failure still stops the start
    }

    @Override
    public void onCamelContextStarted(CamelContext camel, boolean alreadyStarted) {
        Set<String> backends = new TreeSet<>();
        for (Route route : camel.getRoutes()) {
            String uri = route.getEndpoint().getEndpointUri();
            if (uri.startsWith(BACKEND_ENDPOINT_PREFIX)) {
                backends.add(uri.substring(BACKEND_ENDPOINT_PREFIX.length()));
            }
        }
        if (camel.getRoutes().isEmpty() && !alreadyStarted) {
            String pattern = camel.getPropertiesComponent().resolveProperty("camel.main.routes-include-pattern").orElse(null);
            throw new GatewayConfigException("No route files were found"
                    + (pattern == null ? ": camel.main.routes-include-pattern is not set (config/application.yaml, which sets it, was not found either)"
                    : " at camel.main.routes-include-pattern=" + pattern) + ", resolved against the working directory "
                    + java.nio.file.Path.of("").toAbsolutePath() + ".",
                    "Start the gateway from the folder that holds config/ and routes/, or set camel.main.routes-include-pattern "
                            + "(and spring.config.additional-location for config/) to absolute locations, e.g. "
                            + "file:/opt/gateway/routes/*.yaml,file:/opt/gateway/routes/backends/*.yaml.");
        }
        for (ModelDefinition model : models.all()) {
            if (!backends.contains(model.backend())) {
                GatewayConfigException problem = new GatewayConfigException("Model '" + model.id() + "' uses backend '" + model.backend()
                        + "' but no route starts from direct:backend-" + model.backend()
                        + " (routes found for: " + (backends.isEmpty() ? "none" : String.join(", ", backends)) + ").",
                        "Fix gateway.models." + model.id() + ".backend, or check that the routes are loaded: "
                                + "camel.main.routes-include-pattern=" + camel.getPropertiesComponent()
                                .resolveProperty("camel.main.routes-include-pattern").orElse("(unset)")
                                + ", relative to the working directory.");
                if (alreadyStarted) {
                    // a route reload (dev profile) while the gateway runs: say so, do not stop it
                    LOG.warn("{} {}", problem.getMessage(), problem.action());
                } else {
                    throw problem;
                }
            }
        }
    }
}

package io.difygateway.config;

import java.util.Set;
import java.util.TreeSet;

import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.springframework.boot.context.event.ApplicationStartedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Stops startup when a model names a backend that has no {@code direct:backend-<name>} route, which is
 * also what happens when the routes/ folder was not found at all.
 */
@Component
public class BackendRoutesCheck {

    static final String BACKEND_ENDPOINT_PREFIX = "direct://backend-";

    private final CamelContext camel;
    private final ModelRegistry models;

    public BackendRoutesCheck(CamelContext camel, ModelRegistry models) {
        this.camel = camel;
        this.models = models;
    }

    @EventListener(ApplicationStartedEvent.class)
    public void checkBackends() {
        Set<String> backends = new TreeSet<>();
        for (Route route : camel.getRoutes()) {
            String uri = route.getEndpoint().getEndpointUri();
            if (uri.startsWith(BACKEND_ENDPOINT_PREFIX)) {
                backends.add(uri.substring(BACKEND_ENDPOINT_PREFIX.length()));
            }
        }
        for (ModelDefinition model : models.all()) {
            if (!backends.contains(model.backend())) {
                throw new GatewayConfigException("Model '" + model.id() + "' uses backend '" + model.backend()
                        + "' but no route starts from direct:backend-" + model.backend()
                        + " (routes found for: " + (backends.isEmpty() ? "none" : String.join(", ", backends)) + ").",
                        "Fix gateway.models." + model.id() + ".backend, or check that the routes are loaded: "
                                + "camel.main.routes-include-pattern=" + camel.getPropertiesComponent()
                                .resolveProperty("camel.main.routes-include-pattern").orElse("(unset)")
                                + ", relative to the working directory.");
            }
        }
    }
}

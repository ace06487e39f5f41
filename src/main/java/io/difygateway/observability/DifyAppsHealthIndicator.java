package io.difygateway.observability;

import java.util.LinkedHashMap;
import java.util.Map;

import io.difygateway.config.GatewayProperties;
import io.difygateway.config.ModelDefinition;
import io.difygateway.dify.DifyAppCatalog;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.stereotype.Component;

/**
 * Part of readiness: whether each Dify app could be read in the background ({@code /info}, {@code /parameters}).
 * Reads only the catalog's cache, so it never slows down and never calls Dify itself. Reports UP without looking
 * unless {@code gateway.health.check-apps} is on.
 */
@Component("difyApps")
public class DifyAppsHealthIndicator implements HealthIndicator {

    private final DifyAppCatalog catalog;
    private final boolean enabled;

    public DifyAppsHealthIndicator(DifyAppCatalog catalog, GatewayProperties properties) {
        this.catalog = catalog;
        this.enabled = properties.getHealth().isCheckApps();
    }

    @Override
    public Health health() {
        if (!enabled) {
            return Health.up().withDetail("checked", false).build();
        }
        Map<String, Object> apps = new LinkedHashMap<>();
        boolean allUp = true;
        for (ModelDefinition model : catalog.difyModels()) {
            String failure = catalog.lastFailure(model).orElse(null);
            allUp &= failure == null;
            apps.put(model.id(), failure == null ? "UP" : "DOWN: " + failure);
        }
        return (allUp ? Health.up() : Health.down()).withDetails(apps).build();
    }
}

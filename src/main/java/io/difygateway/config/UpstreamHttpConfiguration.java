package io.difygateway.config;

import org.apache.camel.Ordered;
import org.apache.camel.component.http.HttpComponent;
import org.apache.camel.spi.ComponentCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Applies the default {@code gateway.upstream.timeouts} to Camel's http component, which calls the backend apps;
 * the run calls set each model's own values on their endpoint, and the stream watchdog enforces them precisely.
 */
@Configuration(proxyBeanMethods = false)
public class UpstreamHttpConfiguration {

    @Bean
    ComponentCustomizer upstreamTimeouts(GatewayProperties properties) {
        GatewayProperties.Timeouts timeouts = properties.getUpstream().getTimeouts();
        long connect = timeouts.connect().toMillis();
        long event = Math.max(timeouts.firstEvent().toMillis(), timeouts.idle().toMillis());
        // applied last, after the camel.component.http.* properties, which would otherwise reset these to defaults
        return ComponentCustomizer.builder(HttpComponent.class).withOrder(Ordered.LOWEST).build(http -> {
            http.setConnectTimeout(connect);
            http.setConnectionRequestTimeout(connect);
            // both bound the silence on the socket: before the response head and between two events
            http.setResponseTimeout(event);
            http.setSoTimeout(event);
            // the client library would silently re-send a chat run on 429/503: a second run, a second bill
            http.setAutomaticRetriesDisabled(true);
        });
    }
}

package io.difygateway.config;

import org.apache.camel.component.http.HttpComponent;
import org.apache.camel.spi.ComponentCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Applies {@code gateway.upstream.*} timeouts to Camel's http component, which calls the backend apps. */
@Configuration(proxyBeanMethods = false)
public class UpstreamHttpConfiguration {

    @Bean
    ComponentCustomizer upstreamTimeouts(GatewayProperties properties) {
        GatewayProperties.Upstream upstream = properties.getUpstream();
        long connect = upstream.getConnectTimeout().toMillis();
        long event = upstream.getEventTimeout().toMillis();
        return ComponentCustomizer.forType(HttpComponent.class, http -> {
            http.setConnectTimeout(connect);
            http.setConnectionRequestTimeout(connect);
            // both bound the silence on the socket: before the response head and between two events
            http.setResponseTimeout(event);
            http.setSoTimeout(event);
        });
    }
}

package io.difygateway.config;

import io.difygateway.upstream.UpstreamCallInterceptor;
import org.apache.camel.Ordered;
import org.apache.camel.component.http.HttpClientConfigurer;
import org.apache.camel.component.http.HttpComponent;
import org.apache.camel.spi.ComponentCustomizer;
import org.apache.hc.core5.util.TimeValue;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Applies the default {@code gateway.upstream.timeouts} to Camel's http component, which calls the backend apps;
 * each run call gets its model's own values from {@link UpstreamCallInterceptor}, and the stream watchdog enforces
 * them precisely.
 */
@Configuration(proxyBeanMethods = false)
public class UpstreamHttpConfiguration {

    @Bean
    ComponentCustomizer upstreamTimeouts(GatewayProperties properties) {
        Timeouts timeouts = properties.getUpstream().getTimeouts();
        TimeValue idleConnectionTimeout = TimeValue.ofMilliseconds(properties.getUpstream().getIdleConnectionTimeout().toMillis());
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
            // servers close idle kept-alive connections (gunicorn, Dify's API server, after 2 s); a pooled connection the
            // server already closed fails the next call with no answer, so idle ones are closed first
            HttpClientConfigurer configured = http.getHttpClientConfigurer();
            http.setHttpClientConfigurer(builder -> {
                if (configured != null) {
                    configured.configureHttpClient(builder);
                }
                builder.evictIdleConnections(idleConnectionTimeout);
                // a watched call gets its model's timeouts, and its completion's deadlines also apply while it waits
                // for the answer's head
                builder.addExecInterceptorFirst("upstream-call", new UpstreamCallInterceptor());
            });
        });
    }
}

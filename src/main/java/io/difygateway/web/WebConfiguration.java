package io.difygateway.web;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.difygateway.config.GatewayProperties;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;

/** Servlet-level wiring in front of the Camel routes. */
@Configuration(proxyBeanMethods = false)
public class WebConfiguration {

    @Bean
    FilterRegistrationBean<JsonRequestFilter> jsonRequestFilter(GatewayProperties properties, ObjectMapper json) {
        FilterRegistrationBean<JsonRequestFilter> registration =
                new FilterRegistrationBean<>(new JsonRequestFilter(properties, json));
        registration.addUrlPatterns("/v1/*");
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 10);
        return registration;
    }
}

package io.difygateway.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** {@code gateway.cors.*}. */
public class CorsProperties {
    /** Origins (patterns allowed, e.g. https://*.example.com) that browsers may call from; empty: CORS off. */
    private List<String> allowedOrigins = new ArrayList<>();
    private Duration maxAge = Duration.ofHours(1);

    public List<String> getAllowedOrigins() {
        return allowedOrigins;
    }

    public void setAllowedOrigins(List<String> allowedOrigins) {
        this.allowedOrigins = allowedOrigins;
    }

    public Duration getMaxAge() {
        return maxAge;
    }

    public void setMaxAge(Duration maxAge) {
        this.maxAge = maxAge;
    }
}

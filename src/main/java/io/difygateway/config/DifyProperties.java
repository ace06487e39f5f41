package io.difygateway.config;

import java.time.Duration;

/** {@code gateway.dify.*}. */
public class DifyProperties {
    /** How often each Dify app's {@code /info} and {@code /parameters} are read again in the background. */
    private Duration appInfoRefresh = Duration.ofMinutes(5);

    public Duration getAppInfoRefresh() {
        return appInfoRefresh;
    }

    public void setAppInfoRefresh(Duration appInfoRefresh) {
        this.appInfoRefresh = appInfoRefresh;
    }
}

package io.difygateway.config;

import java.time.Duration;

/** {@code gateway.demo.*}. */
public class DemoProperties {
    /** {@code auto}: on when no other model is configured; {@code true}; {@code false}. */
    private String enabled = "auto";
    /** Pause between the demo answer's words. */
    private Duration wordDelay = Duration.ofMillis(40);

    public String getEnabled() {
        return enabled;
    }

    public void setEnabled(String enabled) {
        this.enabled = enabled;
    }

    public Duration getWordDelay() {
        return wordDelay;
    }

    public void setWordDelay(Duration wordDelay) {
        this.wordDelay = wordDelay;
    }
}

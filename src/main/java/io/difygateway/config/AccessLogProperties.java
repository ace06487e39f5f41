package io.difygateway.config;

/** {@code gateway.access-log.*}. */
public class AccessLogProperties {
    private boolean enabled = true;
    /** {@code text} or {@code json}. */
    private String format = "text";

    public boolean isEnabled() {
        return enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    public String getFormat() {
        return format;
    }

    public void setFormat(String format) {
        this.format = format;
    }
}

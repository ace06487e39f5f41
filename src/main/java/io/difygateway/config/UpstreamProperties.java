package io.difygateway.config;

import java.time.Duration;

import org.springframework.util.unit.DataSize;

/** {@code gateway.upstream.*}. */
public class UpstreamProperties {
    /** Defaults for every model; a model's {@code timeouts} override them one by one. */
    private Timeouts timeouts = new Timeouts(Duration.ofSeconds(10), Duration.ofSeconds(60), Duration.ofSeconds(60),
            Duration.ofMinutes(20));
    /** While the backend is silent, a streamed response gets an SSE comment this often. */
    private Duration keepAliveInterval = Duration.ofSeconds(10);
    /** Extra attempts when a backend cannot be reached or answers 502/503 before doing anything. */
    private int retries = 2;
    /** Pause before the first retry; doubled for each further one. */
    private Duration retryBackoff = Duration.ofMillis(500);
    /** Longest event-stream line accepted from a backend. */
    private DataSize maxEventSize = DataSize.ofMegabytes(8);
    /** Kept-alive connections to a backend idle longer than this are closed before the server closes them. */
    private Duration idleConnectionTimeout = Duration.ofSeconds(1);

    public Duration getIdleConnectionTimeout() {
        return idleConnectionTimeout;
    }

    public void setIdleConnectionTimeout(Duration idleConnectionTimeout) {
        this.idleConnectionTimeout = idleConnectionTimeout;
    }

    public Timeouts getTimeouts() {
        return timeouts;
    }

    public void setTimeouts(Timeouts timeouts) {
        this.timeouts = timeouts;
    }

    public Duration getKeepAliveInterval() {
        return keepAliveInterval;
    }

    public void setKeepAliveInterval(Duration keepAliveInterval) {
        this.keepAliveInterval = keepAliveInterval;
    }

    public int getRetries() {
        return retries;
    }

    public void setRetries(int retries) {
        this.retries = retries;
    }

    public Duration getRetryBackoff() {
        return retryBackoff;
    }

    public void setRetryBackoff(Duration retryBackoff) {
        this.retryBackoff = retryBackoff;
    }

    public DataSize getMaxEventSize() {
        return maxEventSize;
    }

    public void setMaxEventSize(DataSize maxEventSize) {
        this.maxEventSize = maxEventSize;
    }
}

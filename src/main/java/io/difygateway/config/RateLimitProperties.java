package io.difygateway.config;

/** The rate limits a model or a client key may set: {@code requests-per-minute}, {@code concurrent-streams} (null: none). */
public abstract class RateLimitProperties {
    /** Requests a minute; more get a 429. */
    private Integer requestsPerMinute;
    /** Streams open at once; more get a 429. */
    private Integer concurrentStreams;

    public Integer getRequestsPerMinute() {
        return requestsPerMinute;
    }

    public void setRequestsPerMinute(Integer requestsPerMinute) {
        this.requestsPerMinute = requestsPerMinute;
    }

    public Integer getConcurrentStreams() {
        return concurrentStreams;
    }

    public void setConcurrentStreams(Integer concurrentStreams) {
        this.concurrentStreams = concurrentStreams;
    }
}

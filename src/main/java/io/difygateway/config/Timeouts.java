package io.difygateway.config;

import java.time.Duration;

/**
 * Time limits of a backend call: to connect, to the backend's first event, between two events, in all.
 * In a model's {@code timeouts}, a null means "the gateway.upstream.timeouts value".
 */
public record Timeouts(Duration connect, Duration firstEvent, Duration idle, Duration total) {

    /** These timeouts, with the gaps filled from the defaults. */
    public Timeouts orElse(Timeouts defaults) {
        return new Timeouts(connect != null ? connect : defaults.connect(), firstEvent != null ? firstEvent : defaults.firstEvent(),
                idle != null ? idle : defaults.idle(), total != null ? total : defaults.total());
    }
}

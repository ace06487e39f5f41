package io.difygateway.support;

import java.time.Duration;

import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.actuate.health.Status;

/** Waits, as a load balancer would, until the gateway's start-up warm-up is done (or gave up). */
public final class Readiness {

    private Readiness() {
    }

    /** Returns once the {@code warmUp} health indicator reports UP, or after a minute. */
    public static void awaitWarmUp(HealthIndicator warmUp) {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!Status.UP.equals(warmUp.health().getStatus()) && System.nanoTime() < deadline) {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}

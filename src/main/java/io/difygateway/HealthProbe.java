package io.difygateway;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.URI;

/**
 * Container health check without curl: asks the running gateway's readiness endpoint and exits 0 when it answers
 * 200, 1 otherwise. Starts in a fraction of a second because it loads nothing but the JDK
 * ({@code java -cp /app/classes io.difygateway.HealthProbe}).
 */
public final class HealthProbe {

    private static final int TIMEOUT_MILLIS = 3000;

    private HealthProbe() {
    }

    public static void main(String[] args) {
        String url = args.length > 0 ? args[0] : defaultUrl(System.getenv("PORT"));
        boolean ready = isReady(url);
        System.out.println((ready ? "UP " : "DOWN ") + url);
        System.exit(ready ? 0 : 1);
    }

    /** The readiness URL on loopback for the gateway's port ({@code PORT}, else 8080). */
    static String defaultUrl(String port) {
        String effectivePort = port == null || port.isBlank() ? "8080" : port.trim();
        return "http://127.0.0.1:" + effectivePort + "/actuator/health/readiness";
    }

    /** Whether the URL answers 200 within the probe's timeout. */
    static boolean isReady(String url) {
        try {
            HttpURLConnection connection = (HttpURLConnection) URI.create(url).toURL().openConnection();
            connection.setConnectTimeout(TIMEOUT_MILLIS);
            connection.setReadTimeout(TIMEOUT_MILLIS);
            try {
                return connection.getResponseCode() == 200;
            } finally {
                connection.disconnect();
            }
        } catch (IOException | IllegalArgumentException e) {
            return false;
        }
    }
}

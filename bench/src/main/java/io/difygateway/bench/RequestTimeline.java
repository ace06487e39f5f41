package io.difygateway.bench;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Where a single stream's added time to first token goes: sequential streams through the gateway jar (its own
 * process, as in {@link GatewayBenchmark}), each timed at three points on one clock (the client and the fake Dify
 * share this JVM): request sent → Dify received the run call (the gateway's inbound path), Dify sent the first event
 * → the client read it (the outbound path). Reported for streams 500-1,000 and for the last 500 of
 * {@code bench.timeline-requests} (4,000): what a gateway whose code is still compiling and a fully compiled one add.
 */
public final class RequestTimeline {

    private static final String FIRST_EVENT = "\"content\":\"s";

    private RequestTimeline() {
    }

    public static void main(String[] args) throws Exception {
        System.setProperty("sun.net.httpserver.nodelay", "true");
        Path java = Path.of(System.getProperty("bench.gateway-java", Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        int requests = Integer.getInteger("bench.timeline-requests", 4000);
        Path jar = GatewayBenchmark.gatewayJar();
        List<String> report = new ArrayList<>();
        try (BenchDify dify = new BenchDify();
             GatewayProcess gateway = new GatewayProcess(java, jar, List.of("-Xmx512m"), "", dify.baseUrl(), Path.of("target/bench-gateway.log"))) {
            HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            List<long[]> timings = new ArrayList<>();
            for (int i = 0; i < requests; i++) {
                timings.add(stream(client, dify, URI.create(gateway.baseUrl() + "/v1/chat/completions"), i));
            }
            report.add("Sequential single streams through the gateway on " + java + " (events 2 ms apart), p50 / p90 in ms:");
            report.add("");
            report.add("| streams so far | request → Dify has the run call | Dify sends the first event → client has it |");
            report.add("|---|---|---|");
            for (int upTo : List.of(Math.min(1000, requests), requests)) {
                List<long[]> window = timings.subList(Math.max(0, upTo - 500), upTo);
                report.add("| " + upTo + " | " + percentiles(window, 0) + " | " + percentiles(window, 1) + " |");
            }
        }
        String text = String.join("\n", report) + "\n";
        Files.writeString(Path.of("target/benchmark-report.md"), text, StandardCharsets.UTF_8);
        System.out.println(text);
    }

    /** One stream: {inbound nanos, outbound nanos}. */
    private static long[] stream(HttpClient client, BenchDify dify, URI gateway, int i) throws Exception {
        String body = "{\"model\":\"bench\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"" + BenchDify.query(2, 2)
                + " #" + i + "\"}]}";
        long start = System.nanoTime();
        HttpResponse<InputStream> response = client.send(HttpRequest.newBuilder(gateway).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofInputStream());
        long inbound = dify.lastRunCallNanos() - start;
        long outbound = -1;
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = lines.readLine()) != null) {
                int at = line.indexOf(FIRST_EVENT);
                if (at >= 0 && outbound < 0) {
                    long sent = Long.parseLong(line.substring(at + FIRST_EVENT.length(), line.indexOf(' ', at)));
                    outbound = System.nanoTime() - sent;
                }
            }
        }
        return new long[] {inbound, outbound};
    }

    private static String percentiles(List<long[]> window, int column) {
        long[] values = window.stream().mapToLong(timing -> timing[column]).sorted().toArray();
        return String.format(Locale.ROOT, "%.2f / %.2f", values[values.length / 2] / 1e6, values[values.length * 9 / 10] / 1e6);
    }
}

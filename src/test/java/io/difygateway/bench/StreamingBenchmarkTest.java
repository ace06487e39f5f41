package io.difygateway.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.difygateway.support.FakeDify;
import io.difygateway.support.GatewayTestBase;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;

/**
 * First streaming measurements (not part of {@code ./mvnw verify}; run with {@code ./mvnw -Pbench test}).
 * The fake Dify writes its send time (System.nanoTime) into every event; the client, in the same JVM, subtracts
 * it from the arrival time. The same streams are read directly from the fake Dify and through the gateway, so
 * the difference is what the gateway adds. Results go to stdout and target/benchmark-report.md.
 */
@Tag("benchmark")
@TestPropertySource(properties = {"gateway.upstream.timeouts.first-event=60s", "gateway.upstream.timeouts.idle=60s"})
class StreamingBenchmarkTest extends GatewayTestBase {

    private static final Pattern SENT = Pattern.compile("\"(?:answer|content)\":\"s(\\d+) \"");
    private final List<String> report = new ArrayList<>();

    /** One stream's outcome: per-event latencies and whether it ended properly. */
    private record StreamResult(List<Long> latenciesNanos, boolean complete, int events) {
    }

    @Test
    void measure() throws Exception {
        int events = Integer.getInteger("bench.events", 50);
        Duration gap = Duration.ofMillis(Integer.getInteger("bench.gap-ms", 20));
        report.add("JVM: " + System.getProperty("java.vm.name") + " " + Runtime.version() + ", "
                + Runtime.getRuntime().availableProcessors() + " cores, max heap "
                + Runtime.getRuntime().maxMemory() / (1024 * 1024) + " MB");
        report.add("");
        report.add("| scenario | path | streams | events | p50 ms | p99 ms | max ms | complete |");
        report.add("|---|---|---|---|---|---|---|---|");
        DIFY.respondWith(timestamped(events, gap));
        latency("warm-up", 20, events, gap, false); // JIT and connection pools, not reported
        for (int streams : new int[] {1, 100}) {
            latency("per-event latency", streams, events, gap, true);
        }

        int slowStreams = Integer.getInteger("bench.slow-streams", 1000);
        int slowEvents = 20;
        Duration slowGap = Duration.ofMillis(500);
        DIFY.respondWith(timestamped(slowEvents, slowGap));
        report.add("");
        report.add("Concurrent slow streams, all started at once: " + slowEvents + " events " + slowGap.toMillis() + " ms apart ("
                + slowEvents * slowGap.toMillis() / 1000 + " s each).");
        report.add("");
        report.add("| path | streams | complete | failed | wall ms | p50 ms | p99 ms | JVM peak threads | heap used MB | peak RSS MB |");
        report.add("|---|---|---|---|---|---|---|---|---|---|");
        long complete = 0;
        for (boolean viaGateway : new boolean[] {false, true}) {
            long start = System.nanoTime();
            List<StreamResult> results = run(slowStreams, viaGateway);
            long wall = System.nanoTime() - start;
            complete = results.stream().filter(StreamResult::complete).count();
            List<Long> latencies = all(results);
            report.add("| " + (viaGateway ? "gateway" : "direct") + " | " + slowStreams + " | " + complete + " | "
                    + (slowStreams - complete) + " | " + TimeUnit.NANOSECONDS.toMillis(wall) + " | " + millis(percentile(latencies, 0.5))
                    + " | " + millis(percentile(latencies, 0.99)) + " | " + ManagementFactory.getThreadMXBean().getPeakThreadCount()
                    + " | " + (Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory()) / (1024 * 1024)
                    + " | " + peakRssMb() + " |");
        }
        report.add("");
        report.add("One JVM holds the gateway, the fake Dify and the client, so threads and memory are the sum of all three"
                + " (cumulative across the runs above).");
        String text = String.join("\n", report) + "\n";
        System.out.println(text);
        Files.writeString(Path.of("target/benchmark-report.md"), text);
        assertThat(complete).as("streams through the gateway that completed").isEqualTo(slowStreams);
    }

    private void latency(String scenario, int streams, int events, Duration gap, boolean record) throws Exception {
        for (boolean viaGateway : new boolean[] {false, true}) {
            List<StreamResult> results = run(streams, viaGateway);
            List<Long> latencies = all(results);
            long complete = results.stream().filter(StreamResult::complete).count();
            if (record) {
                report.add("| " + scenario + " | " + (viaGateway ? "gateway" : "direct") + " | " + streams + " | "
                        + latencies.size() + " | " + millis(percentile(latencies, 0.5)) + " | " + millis(percentile(latencies, 0.99))
                        + " | " + millis(percentile(latencies, 1.0)) + " | " + complete + "/" + streams + " |");
            }
        }
    }

    private List<StreamResult> run(int streams, boolean viaGateway) throws Exception {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        List<CompletableFuture<StreamResult>> futures = new ArrayList<>();
        for (int i = 0; i < streams; i++) {
            HttpRequest request = viaGateway
                    ? HttpRequest.newBuilder(uri("/v1/chat/completions")).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(chat("helpdesk", true, "bench"))).build()
                    : HttpRequest.newBuilder(URI.create(DIFY.baseUrl() + "/chat-messages")).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"query\":\"bench\",\"user\":\"b\",\"inputs\":{},\"response_mode\":\"streaming\"}")).build();
            LineRecorder recorder = new LineRecorder(viaGateway);
            futures.add(client.sendAsync(request, HttpResponse.BodyHandlers.fromLineSubscriber(recorder))
                    .thenApply(response -> recorder.result(response.statusCode())));
        }
        List<StreamResult> results = new ArrayList<>();
        for (CompletableFuture<StreamResult> future : futures) {
            results.add(future.exceptionally(e -> new StreamResult(List.of(), false, 0)).get(120, TimeUnit.SECONDS));
        }
        return results;
    }

    /** Records the latency of every timestamped event of one stream. */
    private static final class LineRecorder implements Flow.Subscriber<String> {
        private final boolean viaGateway;
        private final List<Long> latencies = Collections.synchronizedList(new ArrayList<>());
        private final AtomicInteger events = new AtomicInteger();
        private volatile boolean done;

        LineRecorder(boolean viaGateway) {
            this.viaGateway = viaGateway;
        }

        @Override
        public void onSubscribe(Flow.Subscription subscription) {
            subscription.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(String line) {
            long now = System.nanoTime();
            Matcher sent = SENT.matcher(line);
            if (sent.find()) {
                latencies.add(now - Long.parseLong(sent.group(1)));
                events.incrementAndGet();
            } else if (line.equals("data: [DONE]")) {
                done = true;
            }
        }

        @Override
        public void onError(Throwable throwable) {
        }

        @Override
        public void onComplete() {
        }

        StreamResult result(int status) {
            return new StreamResult(List.copyOf(latencies), status == 200 && (done || !viaGateway), events.get());
        }
    }

    /** A Dify stream whose every event carries its own send time. */
    private static FakeDify.Responder timestamped(int events, Duration gap) {
        return (exchange, dify) -> {
            exchange.getResponseHeaders().add("Content-Type", "text/event-stream; charset=utf-8");
            exchange.sendResponseHeaders(200, 0);
            OutputStream out = exchange.getResponseBody();
            for (int i = 0; i < events; i++) {
                sleep(gap);
                out.write(FakeDify.messageFrame("bench-task", "s" + System.nanoTime() + " ").getBytes(StandardCharsets.UTF_8));
                out.flush();
            }
        };
    }

    private static void sleep(Duration gap) {
        try {
            Thread.sleep(gap.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static List<Long> all(List<StreamResult> results) {
        List<Long> all = new ArrayList<>();
        results.forEach(r -> all.addAll(r.latenciesNanos()));
        Collections.sort(all);
        return all;
    }

    private static long percentile(List<Long> sorted, double p) {
        if (sorted.isEmpty()) {
            return -1;
        }
        List<Long> copy = new ArrayList<>(sorted);
        Collections.sort(copy);
        int index = (int) Math.ceil(p * copy.size()) - 1;
        return copy.get(Math.max(0, Math.min(copy.size() - 1, index)));
    }

    private static String millis(long nanos) {
        return String.format("%.2f", nanos / 1_000_000.0);
    }

    private static long peakRssMb() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmHWM:")) {
                return Long.parseLong(line.replaceAll("\\D", "")) / 1024;
            }
        }
        return -1;
    }
}

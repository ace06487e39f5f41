package io.difygateway.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import io.difygateway.bench.StreamLoad.Outcome;

/**
 * The benchmark harness ({@code ./mvnw -Pbench verify}): starts a fake Dify on loopback and the gateway jar as its
 * own process, then measures the direct path (client → fake Dify) and the gateway path (client → gateway → fake
 * Dify) in the same run: startup and idle memory, per-event latency and time to first token at 1, 100 and 1,000
 * concurrent streams, per-event latency while 1,000 streams are all open, fast-stream throughput with CPU per
 * 1,000 events, and concurrent slow streams with heap and RSS. Writes a Markdown report to
 * target/benchmark-report.md. Options are system properties ({@code bench.*}).
 */
public final class GatewayBenchmark {

    private final List<String> report = new ArrayList<>();
    private final Settings settings;

    /** What to run; every field is a {@code -Dbench.<name>} system property. */
    record Settings(Path gatewayJava, String heap, List<String> gatewayJvmOptions, String gatewayCpus, int events, int gapMillis, List<Integer> concurrency, int workers,
                    int openStreams, Duration openRamp, Duration openTime, int fastEvents, Duration throughputTime, int slowStreams,
                    int slowSeconds, int soakCalls, int soakConcurrency, boolean jfr) {

        static Settings fromSystemProperties() {
            return new Settings(
                    Path.of(System.getProperty("bench.gateway-java", Path.of(System.getProperty("java.home"), "bin", "java").toString())),
                    System.getProperty("bench.heap", "512m"),
                    Stream.of(System.getProperty("bench.gateway-jvm-options", "").split(" ")).filter(option -> !option.isBlank()).toList(),
                    System.getProperty("bench.gateway-cpus", ""),
                    Integer.getInteger("bench.events", 40),
                    Integer.getInteger("bench.gap-ms", 50),
                    Stream.of(System.getProperty("bench.concurrency", "1,100,1000").split(",")).map(String::trim).map(Integer::valueOf).toList(),
                    Integer.getInteger("bench.workers", 50),
                    Integer.getInteger("bench.open-streams", 1000),
                    Duration.ofSeconds(Integer.getInteger("bench.open-ramp-seconds", 5)),
                    Duration.ofSeconds(Integer.getInteger("bench.open-seconds", 10)),
                    Integer.getInteger("bench.fast-events", 200),
                    Duration.ofSeconds(Integer.getInteger("bench.throughput-seconds", 15)),
                    Integer.getInteger("bench.slow-streams", 2000),
                    Integer.getInteger("bench.slow-seconds", 30),
                    Integer.getInteger("bench.soak-calls", 10_000),
                    Integer.getInteger("bench.soak-concurrency", 32),
                    Boolean.getBoolean("bench.jfr"));
        }
    }

    private GatewayBenchmark(Settings settings) {
        this.settings = settings;
    }

    public static void main(String[] args) throws Exception {
        // the JDK server closes kept-alive connections beyond 200 idle ones without notice; Dify's servers keep them
        System.setProperty("sun.net.httpserver.maxIdleConnections", "100000");
        // without it, the end of a short stream waits for a delayed ACK (Nagle): 40 ms per one-event stream
        System.setProperty("sun.net.httpserver.nodelay", "true");
        new GatewayBenchmark(Settings.fromSystemProperties()).run();
    }

    private void run() throws Exception {
        Path jar = gatewayJar();
        Files.createDirectories(Path.of("target"));
        header(jar);
        List<String> jvmOptions = new ArrayList<>(List.of("-Xmx" + settings.heap(), "-XX:+ExitOnOutOfMemoryError"));
        jvmOptions.addAll(settings.gatewayJvmOptions());
        if (settings.jfr()) {
            jvmOptions.add("-XX:StartFlightRecording=filename=target/bench-gateway.jfr,settings=profile,dumponexit=true");
        }
        try (BenchDify dify = new BenchDify();
             GatewayProcess gateway = new GatewayProcess(settings.gatewayJava(), jar, jvmOptions, settings.gatewayCpus(), dify.baseUrl(), Path.of("target/bench-gateway.log"))) {
            StreamLoad load = new StreamLoad(dify.baseUrl(), gateway.baseUrl());
            startupAndIdle(gateway, load);
            warmUp(load);
            latency(load);
            allStreamsOpen(load);
            throughput(load, gateway);
            slowStreams(load, gateway);
            mixedSoak(dify, gateway);
        }
        String text = String.join("\n", report) + "\n";
        Files.writeString(Path.of("target/benchmark-report.md"), text, StandardCharsets.UTF_8);
        System.out.println(text);
    }

    private void header(Path jar) throws IOException, InterruptedException {
        report.add("Run " + Instant.now() + ": " + machineCores() + " cores ("
                + cpuModel() + "), " + memoryGb() + " GiB memory. Gateway: `" + jar.getFileName() + "` on "
                + gatewayJavaVersion() + ", `-Xmx" + settings.heap() + String.join(" ", settings.gatewayJvmOptions().stream().map(o -> " " + o).toList())
                + "`" + (settings.gatewayCpus().isBlank() ? "" : ", pinned to CPU " + settings.gatewayCpus()) + ". Client and fake Dify: "
                + System.getProperty("java.vm.name") + " " + Runtime.version() + ", one JVM beside the gateway's, on "
                + Runtime.getRuntime().availableProcessors() + " CPU(s).");
        report.add("");
    }

    private void startupAndIdle(GatewayProcess gateway, StreamLoad load) throws Exception {
        // the first call right after readiness: what the first real user after a deploy or restart gets
        Outcome direct = load.run(StreamLoad.Path.DIRECT, 1, 5, settings.gapMillis(), Duration.ofSeconds(1), Duration.ofMinutes(1));
        Outcome first = load.run(StreamLoad.Path.GATEWAY, 1, 5, settings.gapMillis(), Duration.ofSeconds(1), Duration.ofMinutes(1));
        Thread.sleep(5000);
        report.add("## Startup and idle");
        report.add("");
        report.add("First call: one stream of 5 events sent right after readiness (direct first, then through the gateway).");
        report.add("");
        report.add("| start to ready ms | first call after ready: added TTFT ms | idle RSS MB | idle heap used MB |");
        report.add("|---|---|---|---|");
        report.add("| " + gateway.startupMillis() + " | " + millis(percentile(first.firstTokens(), 0.5) - percentile(direct.firstTokens(), 0.5))
                + " | " + gateway.rssMb() + " | " + gateway.heapUsedMb() + " |");
        report.add("");
    }

    private void warmUp(StreamLoad load) throws InterruptedException {
        for (StreamLoad.Path path : StreamLoad.Path.values()) {
            load.run(path, 200, 20, 5, Duration.ofSeconds(2), Duration.ofMinutes(2));
            load.loop(path, settings.workers(), settings.fastEvents(), Duration.ofSeconds(5));
        }
    }

    private void latency(StreamLoad load) throws InterruptedException {
        report.add("## Per-event latency and time to first token");
        report.add("");
        report.add("Each stream: " + settings.events() + " events " + settings.gapMillis() + " ms apart; streams started evenly over 1 s."
                + " Latency: from the fake Dify writing an event to the client reading it. Added: gateway minus direct.");
        report.add("");
        report.add("| streams | path | complete | events | p50 ms | p99 ms | max ms | TTFT p50 ms | TTFT p99 ms |");
        report.add("|---|---|---|---|---|---|---|---|---|");
        List<String> added = new ArrayList<>();
        for (int streams : settings.concurrency()) {
            Outcome direct = load.run(StreamLoad.Path.DIRECT, streams, settings.events(), settings.gapMillis(), Duration.ofSeconds(1), Duration.ofMinutes(3));
            Outcome gateway = load.run(StreamLoad.Path.GATEWAY, streams, settings.events(), settings.gapMillis(), Duration.ofSeconds(1), Duration.ofMinutes(3));
            report.add(latencyRow(streams, "direct", direct));
            report.add(latencyRow(streams, "gateway", gateway));
            added.add("| " + streams + " | " + millis(percentile(gateway.eventLatencies(), 0.5) - percentile(direct.eventLatencies(), 0.5))
                    + " | " + millis(percentile(gateway.eventLatencies(), 0.99) - percentile(direct.eventLatencies(), 0.99))
                    + " | " + millis(percentile(gateway.firstTokens(), 0.5) - percentile(direct.firstTokens(), 0.5))
                    + " | " + millis(percentile(gateway.firstTokens(), 0.99) - percentile(direct.firstTokens(), 0.99)) + " |");
        }
        report.add("");
        report.add("| streams | added p50 ms/event | added p99 ms/event | added TTFT p50 ms | added TTFT p99 ms |");
        report.add("|---|---|---|---|---|");
        report.addAll(added);
        report.add("");
    }

    private void allStreamsOpen(StreamLoad load) throws InterruptedException {
        int streams = settings.openStreams();
        Duration streamTime = settings.openRamp().plus(settings.openTime());
        int events = (int) (streamTime.toMillis() / Math.max(1, settings.gapMillis()));
        report.add("## Per-event latency with all streams open");
        report.add("");
        report.add(streams + " streams started evenly over " + settings.openRamp().toSeconds() + " s, each " + events + " events "
                + settings.gapMillis() + " ms apart (" + streamTime.toSeconds() + " s). Counted: the events the fake Dify sent while every"
                + " stream was open (after the last stream's first event arrived, before the first stream ended).");
        report.add("");
        report.add("| path | complete | events counted | p50 ms | p99 ms | max ms | p99 ms, all events |");
        report.add("|---|---|---|---|---|---|---|");
        Outcome direct = load.run(StreamLoad.Path.DIRECT, streams, events, settings.gapMillis(), settings.openRamp(), streamTime.plusMinutes(3));
        Outcome gateway = load.run(StreamLoad.Path.GATEWAY, streams, events, settings.gapMillis(), settings.openRamp(), streamTime.plusMinutes(3));
        for (Outcome outcome : List.of(direct, gateway)) {
            long[] open = outcome.allOpenLatencies();
            report.add("| " + (outcome == direct ? "direct" : "gateway") + " | " + outcome.complete() + "/" + outcome.streams() + " | " + open.length
                    + " | " + millis(percentile(open, 0.5)) + " | " + millis(percentile(open, 0.99)) + " | " + millis(percentile(open, 1.0))
                    + " | " + millis(percentile(outcome.eventLatencies(), 0.99)) + " |");
        }
        report.add("");
        report.add("Added with all " + streams + " streams open: p50 " + millis(percentile(gateway.allOpenLatencies(), 0.5) - percentile(direct.allOpenLatencies(), 0.5))
                + " ms, p99 " + millis(percentile(gateway.allOpenLatencies(), 0.99) - percentile(direct.allOpenLatencies(), 0.99)) + " ms per event.");
        report.add("");
    }

    private void mixedSoak(BenchDify dify, GatewayProcess gateway) throws Exception {
        if (settings.soakCalls() <= 0) {
            return;
        }
        MixedSoak soak = new MixedSoak(dify, gateway.baseUrl());
        int warmUpCalls = Math.max(100, settings.soakCalls() / 10);
        MixedSoak.Result warm = soak.run(0, warmUpCalls, settings.soakConcurrency());
        Thread.sleep(3000);
        long threadsWarm = gateway.threads();
        long heapWarm = gateway.heapAfterGcMb();
        MixedSoak.Result result = soak.run(warmUpCalls, settings.soakCalls(), settings.soakConcurrency());
        Thread.sleep(3000);
        long threadsEnd = gateway.threads();
        long heapEnd = gateway.heapAfterGcMb();
        gateway.heapHistogram(Path.of("target/bench-heap-histogram.txt"));
        report.add("## Mixed soak");
        report.add("");
        report.add(settings.soakCalls() + " calls on " + settings.soakConcurrency() + " clients after " + warmUpCalls + " warm-up calls of the same mix;"
                + " of every ten: five streams of 20 words (every other one multi-byte, cut inside characters by the network), two"
                + " non-streamed calls, two clients that leave after three chunks, one stream with an in-stream Dify error after"
                + " 10 words. Exact: the answer byte for byte as sent (and the error chunk, and [DONE]). Threads and heap: the gateway"
                + " process after the warm-up and at the end, 3 s after the last call, heap after a full GC.");
        report.add("");
        report.add("| calls | exact | wrong | client aborts | stop calls for them | threads warm → end | heap after GC warm → end MB | calls/s |");
        report.add("|---|---|---|---|---|---|---|---|");
        report.add("| " + result.calls() + " | " + result.exact() + " | " + (result.calls() - result.exact()) + " | " + result.aborts() + " | "
                + result.stopsSeen() + " | " + threadsWarm + " → " + threadsEnd + " | " + heapWarm + " → " + heapEnd + " | "
                + String.format(java.util.Locale.ROOT, "%.0f", result.calls() * 1000.0 / Math.max(1, result.millis())) + " |");
        report.add("");
        for (String wrong : warm.wrong().isEmpty() ? result.wrong() : warm.wrong()) {
            report.add("- " + wrong);
        }
        if (!result.wrong().isEmpty() || !warm.wrong().isEmpty()) {
            report.add("");
        }
    }

    private String latencyRow(int streams, String path, Outcome outcome) {
        return "| " + streams + " | " + path + " | " + outcome.complete() + "/" + outcome.streams() + " | " + outcome.eventLatencies().length
                + " | " + millis(percentile(outcome.eventLatencies(), 0.5)) + " | " + millis(percentile(outcome.eventLatencies(), 0.99))
                + " | " + millis(percentile(outcome.eventLatencies(), 1.0)) + " | " + millis(percentile(outcome.firstTokens(), 0.5))
                + " | " + millis(percentile(outcome.firstTokens(), 0.99)) + " |";
    }

    private void throughput(StreamLoad load, GatewayProcess gateway) throws Exception {
        report.add("## Fast-stream throughput");
        report.add("");
        report.add(settings.workers() + " clients, each opening one stream after the other for " + settings.throughputTime().toSeconds()
                + " s; each stream " + settings.fastEvents() + " events with no gap. CPU: the gateway process's user + system time;"
                + " for the direct path, the client + fake Dify JVM's.");
        report.add("");
        report.add("| path | streams/s | events/s | failed | CPU ms per 1,000 events | ratio to direct (events/s) |");
        report.add("|---|---|---|---|---|---|");
        double directEventsPerSecond = 0;
        for (StreamLoad.Path path : StreamLoad.Path.values()) {
            long cpuBefore = path == StreamLoad.Path.DIRECT ? benchCpuMillis() : gateway.cpuMillis();
            long[] counts = load.loop(path, settings.workers(), settings.fastEvents(), settings.throughputTime());
            long cpu = (path == StreamLoad.Path.DIRECT ? benchCpuMillis() : gateway.cpuMillis()) - cpuBefore;
            double seconds = settings.throughputTime().toMillis() / 1000.0;
            double streamsPerSecond = counts[0] / seconds;
            double eventsPerSecond = streamsPerSecond * settings.fastEvents();
            if (path == StreamLoad.Path.DIRECT) {
                directEventsPerSecond = eventsPerSecond;
            }
            long events = counts[0] * settings.fastEvents();
            report.add("| " + path.name().toLowerCase(Locale.ROOT) + " | " + format(streamsPerSecond) + " | " + format(eventsPerSecond)
                    + " | " + counts[1] + " | " + (events == 0 ? "-" : format(cpu * 1000.0 / events))
                    + " | " + format(eventsPerSecond / Math.max(1, directEventsPerSecond)) + " |");
        }
        report.add("");
    }

    private void slowStreams(StreamLoad load, GatewayProcess gateway) throws Exception {
        int streams = settings.slowStreams();
        int events = Math.max(1, settings.slowSeconds() * 2);
        report.add("## Concurrent slow streams");
        report.add("");
        report.add(streams + " streams of " + settings.slowSeconds() + " s (" + events + " events 500 ms apart), started evenly over 5 s."
                + " Heap and RSS: the gateway process's highest values during this phase, sampled every second.");
        report.add("");
        report.add("| path | complete | failed | p50 ms/event | p99 ms/event | gateway heap used MB (peak) | gateway RSS MB (peak) |");
        report.add("|---|---|---|---|---|---|---|");
        for (StreamLoad.Path path : StreamLoad.Path.values()) {
            AtomicLong peakHeap = new AtomicLong();
            AtomicLong peakRss = new AtomicLong();
            ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
            sampler.scheduleAtFixedRate(() -> {
                try {
                    peakRss.accumulateAndGet(gateway.rssMb(), Math::max);
                    peakHeap.accumulateAndGet(gateway.heapUsedMb(), Math::max);
                } catch (Exception e) {
                    // one missed sample
                }
            }, 0, 1, TimeUnit.SECONDS);
            Outcome outcome;
            try {
                outcome = load.run(path, streams, events, 500, Duration.ofSeconds(5), Duration.ofSeconds(settings.slowSeconds() + 120L));
            } finally {
                sampler.shutdownNow();
            }
            boolean viaGateway = path == StreamLoad.Path.GATEWAY;
            report.add("| " + path.name().toLowerCase(Locale.ROOT) + " | " + outcome.complete() + "/" + streams + " | " + outcome.failed()
                    + " | " + millis(percentile(outcome.eventLatencies(), 0.5)) + " | " + millis(percentile(outcome.eventLatencies(), 0.99))
                    + " | " + (viaGateway ? peakHeap.get() : "-") + " | " + (viaGateway ? peakRss.get() : "-") + " |");
        }
        report.add("");
    }

    /** The packaged gateway jar in target/. */
    static Path gatewayJar() throws IOException {
        try (Stream<Path> files = Files.list(Path.of("target"))) {
            return files.filter(file -> file.getFileName().toString().matches("dify-openai-gateway-.*\\.jar"))
                    .filter(file -> !file.getFileName().toString().endsWith("-plain.jar")).findFirst()
                    .orElseThrow(() -> new IllegalStateException("no gateway jar in target/: run ./mvnw -Pbench verify"));
        }
    }

    private String gatewayJavaVersion() throws IOException, InterruptedException {
        Process version = new ProcessBuilder(settings.gatewayJava().toString(), "-version").redirectErrorStream(true).start();
        String output = new String(version.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        version.waitFor();
        return output.lines().skip(1).findFirst().orElse("?").trim();
    }

    private static String cpuModel() throws IOException {
        return Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(line -> line.startsWith("model name"))
                .map(line -> line.substring(line.indexOf(':') + 1).trim()).findFirst().orElse("unknown CPU");
    }

    private static long machineCores() throws IOException {
        return Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(line -> line.startsWith("processor")).count();
    }

    private static long memoryGb() throws IOException {
        return Files.readAllLines(Path.of("/proc/meminfo")).stream().filter(line -> line.startsWith("MemTotal:"))
                .map(line -> Long.parseLong(line.replaceAll("\\D", "")) / (1024 * 1024)).findFirst().orElse(-1L);
    }

    private static long benchCpuMillis() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime() / 1_000_000;
    }

    private static long percentile(long[] sorted, double p) {
        if (sorted.length == 0) {
            return 0;
        }
        int index = (int) Math.ceil(p * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }

    private static String millis(long nanos) {
        return String.format(Locale.ROOT, "%.2f", nanos / 1_000_000.0);
    }

    private static String format(double value) {
        return String.format(Locale.ROOT, "%.1f", value);
    }
}

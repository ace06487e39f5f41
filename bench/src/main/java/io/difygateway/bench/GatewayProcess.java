package io.difygateway.bench;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The gateway jar as its own process, as in production, with what the benchmark reads about it (RSS, CPU, heap). */
final class GatewayProcess implements AutoCloseable {

    private static final Pattern HEAP_USED = Pattern.compile("^jvm_memory_used_bytes\\{.*area=\"heap\".*} ([0-9.E+-]+)$", Pattern.MULTILINE);
    private static final long CLOCK_TICKS_PER_SECOND = 100; // USER_HZ on Linux

    private final Process process;
    private final Path java;
    private final int port;
    private final long startupMillis;
    private final HttpClient http = HttpClient.newHttpClient();

    /** Starts the jar; {@code cpus}, when not blank, is the CPU list the process may run on ({@code taskset -c}). */
    GatewayProcess(Path java, Path jar, List<String> jvmOptions, String cpus, String difyBaseUrl, Path log) throws IOException, InterruptedException {
        port = freePort();
        this.java = java;
        List<String> command = new ArrayList<>();
        if (!cpus.isBlank()) {
            command.addAll(List.of("taskset", "-c", cpus));
        }
        command.add(java.toString());
        command.addAll(jvmOptions);
        command.add("-jar");
        command.add(jar.toString());
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().keySet().removeIf(name -> name.startsWith("DIFY_") || name.startsWith("GATEWAY_"));
        builder.environment().put("PORT", String.valueOf(port));
        builder.environment().put("DIFY_BASE_URL", difyBaseUrl);
        builder.environment().put("DIFY_API_KEY", BenchDify.API_KEY);
        builder.environment().put("DIFY_MODEL", "bench");
        long started = System.nanoTime();
        process = builder.start();
        long deadline = started + TimeUnit.SECONDS.toNanos(120);
        while (!ready()) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                close();
                throw new IllegalStateException("the gateway did not become ready; see " + log);
            }
            Thread.sleep(10);
        }
        startupMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
    }

    String baseUrl() {
        return "http://127.0.0.1:" + port;
    }

    /** Milliseconds from process start to the first 200 from the readiness endpoint. */
    long startupMillis() {
        return startupMillis;
    }

    /** Resident memory of the gateway process now, in MB. */
    long rssMb() throws IOException {
        return statusField("VmRSS:") / 1024;
    }

    /** Threads of the gateway process now. */
    long threads() throws IOException {
        return statusField("Threads:");
    }

    /** Heap in use right after a full collection (jcmd GC.run next to the gateway's java), in MB. */
    long heapAfterGcMb() throws IOException, InterruptedException {
        Process gc = new ProcessBuilder(java.resolveSibling("jcmd").toString(), String.valueOf(process.pid()), "GC.run")
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        gc.waitFor(60, TimeUnit.SECONDS);
        return heapUsedMb();
    }

    /** The heap's largest classes (jcmd GC.class_histogram), for where memory stays: written to {@code file}. */
    void heapHistogram(Path file) throws IOException, InterruptedException {
        Process histogram = new ProcessBuilder(java.resolveSibling("jcmd").toString(), String.valueOf(process.pid()), "GC.class_histogram")
                .redirectErrorStream(true).redirectOutput(file.toFile()).start();
        histogram.waitFor(60, TimeUnit.SECONDS);
    }


    /** CPU time (user + system) the gateway process used so far, in milliseconds. */
    long cpuMillis() throws IOException {
        String stat = Files.readString(Path.of("/proc/" + process.pid() + "/stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]); // utime, stime
        return ticks * 1000 / CLOCK_TICKS_PER_SECOND;
    }

    /** Heap in use, in MB, as the gateway's own Prometheus endpoint reports it. */
    long heapUsedMb() throws IOException, InterruptedException {
        String metrics = http.send(HttpRequest.newBuilder(URI.create(baseUrl() + "/actuator/prometheus")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        Matcher used = HEAP_USED.matcher(metrics);
        double bytes = 0;
        while (used.find()) {
            bytes += Double.parseDouble(used.group(1));
        }
        return (long) (bytes / (1024 * 1024));
    }

    private boolean ready() {
        try {
            return http.send(HttpRequest.newBuilder(URI.create(baseUrl() + "/actuator/health/readiness")).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private long statusField(String name) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + process.pid() + "/status"))) {
            if (line.startsWith(name)) {
                return Long.parseLong(line.replaceAll("\\D", ""));
            }
        }
        return -1;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
    }
}

package io.difygateway.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A Dify chat app on loopback for the benchmark: {@code POST /v1/chat-messages} streams the events its query asks
 * for ({@code "events=40 gap=50"}: 40 message events 50 ms apart, then message_end), each answer carrying its send
 * time as {@code s<System.nanoTime()> } so that a client in the same JVM measures per-event latency.
 */
final class BenchDify implements AutoCloseable {

    static final String API_KEY = "app-benchmark-0000000000000000";
    private static final Pattern PARAMETER = Pattern.compile("(events|gap)=(\\d+)");
    private static final Pattern SOAK = Pattern.compile("soak=(\\d+) words=(\\d+) gap=(\\d+)( multibyte)?(?: error=(\\d+))?");
    private static final byte[] INFO = "{\"name\":\"Benchmark app\",\"description\":\"\",\"tags\":[],\"mode\":\"chat\"}"
            .getBytes(StandardCharsets.UTF_8);
    private static final byte[] PARAMETERS = "{\"user_input_form\":[],\"file_upload\":{\"image\":{\"enabled\":false}}}"
            .getBytes(StandardCharsets.UTF_8);
    private static final String MESSAGE_PREFIX = "data: {\"event\":\"message\",\"conversation_id\":\"8f1c6e2a-4b7d-4c1e-9a3f-2d5b7e9c1a40\","
            + "\"message_id\":\"c2a9e7f4-1b3d-4e8a-b6c5-7d2f0a9e3b18\",\"created_at\":1784707531,\"task_id\":\"bench-task\","
            + "\"id\":\"c2a9e7f4-1b3d-4e8a-b6c5-7d2f0a9e3b18\",\"answer\":\"s";
    private static final String MESSAGE_SUFFIX = " \",\"from_variable_selector\":null}\n\n";
    private static final byte[] MESSAGE_END = ("data: {\"event\":\"message_end\",\"conversation_id\":\"8f1c6e2a-4b7d-4c1e-9a3f-2d5b7e9c1a40\","
            + "\"message_id\":\"c2a9e7f4-1b3d-4e8a-b6c5-7d2f0a9e3b18\",\"created_at\":1784707531,\"task_id\":\"bench-task\","
            + "\"id\":\"c2a9e7f4-1b3d-4e8a-b6c5-7d2f0a9e3b18\",\"metadata\":{\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":40,"
            + "\"total_tokens\":45}},\"files\":[]}\n\n").getBytes(StandardCharsets.UTF_8);

    private final HttpServer server;
    private final Set<String> stopped = ConcurrentHashMap.newKeySet();
    private volatile long lastRunCallNanos;
    private final ScheduledExecutorService pacer = Executors.newScheduledThreadPool(2, runnable -> {
        Thread thread = new Thread(runnable, "bench-dify-pacer");
        thread.setDaemon(true);
        return thread;
    });
    private final ExecutorService threads = Executors.newCachedThreadPool(runnable -> {
        Thread thread = new Thread(runnable, "bench-dify");
        thread.setDaemon(true);
        return thread;
    });

    BenchDify() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 4096);
        server.createContext("/v1/", this::handle);
        server.setExecutor(threads);
        server.start();
    }

    /** The Service API base URL, as configured for the gateway. */
    String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1";
    }

    /** The query that asks for a stream of {@code events} events {@code gapMillis} apart. */
    static String query(int events, int gapMillis) {
        return "events=" + events + " gap=" + gapMillis;
    }

    private void handle(HttpExchange exchange) {
        try {
            String path = exchange.getRequestURI().getPath();
            byte[] request;
            try (InputStream body = exchange.getRequestBody()) {
                request = body.readAllBytes();
            }
            if (path.endsWith("/info") || path.endsWith("/parameters")) {
                byte[] json = path.endsWith("/info") ? INFO : PARAMETERS;
                exchange.getResponseHeaders().add("Content-Type", "application/json");
                exchange.sendResponseHeaders(200, json.length);
                exchange.getResponseBody().write(json);
                exchange.close();
            } else if (path.endsWith("/stop") && "POST".equals(exchange.getRequestMethod())) {
                stopped.add(path.replaceFirst("^.*/chat-messages/([^/]+)/stop$", "$1"));
                byte[] json = "{\"result\": \"success\"}".getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().add("Content-Type", "application/json");
                exchange.sendResponseHeaders(200, json.length);
                exchange.getResponseBody().write(json);
                exchange.close();
            } else if (path.endsWith("/chat-messages") && "POST".equals(exchange.getRequestMethod())) {
                lastRunCallNanos = System.nanoTime();
                String query = new String(request, StandardCharsets.UTF_8);
                Matcher soak = SOAK.matcher(query);
                if (soak.find()) {
                    soakStream(exchange, Integer.parseInt(soak.group(1)), Integer.parseInt(soak.group(2)), Integer.parseInt(soak.group(3)),
                            soak.group(4) != null, soak.group(5) == null ? -1 : Integer.parseInt(soak.group(5)));
                } else {
                    stream(exchange, query);
                }
            } else {
                exchange.sendResponseHeaders(404, -1);
                exchange.close();
            }
        } catch (IOException e) {
            exchange.close(); // the client went away mid-stream: nothing to answer
        }
    }

    /**
     * Streams the events the query asks for. Without a gap they are written at once; with one, a small scheduler
     * writes each stream's next event when it is due, so a thousand paced streams cost the benchmark machine a few
     * threads instead of a thousand sleeping ones (their wake-ups competed with the gateway for the same cores).
     */
    private void stream(HttpExchange exchange, String request) throws IOException {
        int events = 40;
        int gapMillis = 50;
        Matcher parameter = PARAMETER.matcher(request);
        while (parameter.find()) {
            int value = Integer.parseInt(parameter.group(2));
            if (parameter.group(1).equals("events")) {
                events = value;
            } else {
                gapMillis = value;
            }
        }
        exchange.getResponseHeaders().add("Content-Type", "text/event-stream; charset=utf-8");
        exchange.sendResponseHeaders(200, 0);
        OutputStream out = exchange.getResponseBody();
        if (gapMillis == 0) {
            for (int i = 0; i < events; i++) {
                writeMessage(out);
            }
            out.write(MESSAGE_END);
            out.flush();
            exchange.close();
        } else {
            new PacedStream(exchange, out, events, gapMillis).schedule();
        }
    }

    /** The soak query for call {@code call}: {@code words} words {@code gap} ms apart, in error after {@code errorAfter} (or -1). */
    static String soakQuery(int call, int words, int gapMillis, boolean multibyte, int errorAfter) {
        return "soak=" + call + " words=" + words + " gap=" + gapMillis + (multibyte ? " multibyte" : "")
                + (errorAfter >= 0 ? " error=" + errorAfter : "");
    }

    /** Word {@code i} of a soak call's answer; multi-byte words mix 2-, 3- and 4-byte UTF-8 characters. */
    static String soakWord(int call, int i, boolean multibyte) {
        return multibyte ? "Grüße-" + call + "-" + i + "-日本語🙂 " : "w" + call + "-" + i + " ";
    }

    /** The task id of a soak call, which its stop call names. */
    static String soakTask(int call) {
        return "soak-" + call;
    }

    /** The message of a soak call's in-stream error. */
    static String soakError(int call) {
        return "Soak error " + call;
    }

    /** When the last run call arrived ({@link System#nanoTime()}, after its body was read). */
    long lastRunCallNanos() {
        return lastRunCallNanos;
    }

    /** The task ids Dify was asked to stop. */
    Set<String> stopped() {
        return stopped;
    }

    /**
     * A soak call's stream: its words (each frame written in two halves, split inside a multi-byte character when
     * there is one, so the gateway's decoder sees characters cut by the network), then message_end or an error event.
     */
    private void soakStream(HttpExchange exchange, int call, int words, int gapMillis, boolean multibyte, int errorAfter) throws IOException {
        exchange.getResponseHeaders().add("Content-Type", "text/event-stream; charset=utf-8");
        exchange.sendResponseHeaders(200, 0);
        OutputStream out = exchange.getResponseBody();
        String ids = "\"conversation_id\":\"c-" + call + "\",\"message_id\":\"m-" + call + "\",\"created_at\":1784707531,\"task_id\":\""
                + soakTask(call) + "\"";
        List<byte[]> frames = new ArrayList<>();
        int count = errorAfter >= 0 ? Math.min(errorAfter, words) : words;
        for (int i = 0; i < count; i++) {
            frames.add(("data: {\"event\":\"message\"," + ids + ",\"id\":\"m-" + call + "\",\"answer\":\"" + soakWord(call, i, multibyte)
                    + "\",\"from_variable_selector\":null}\n\n").getBytes(StandardCharsets.UTF_8));
        }
        frames.add((errorAfter >= 0
                ? "data: {\"event\":\"error\"," + ids + ",\"status\":400,\"code\":\"completion_request_error\",\"message\":\""
                        + soakError(call) + "\"}\n\n"
                : "data: {\"event\":\"message_end\"," + ids + ",\"id\":\"m-" + call + "\",\"metadata\":{\"usage\":{\"prompt_tokens\":5,"
                        + "\"completion_tokens\":" + count + ",\"total_tokens\":" + (5 + count) + "}},\"files\":[]}\n\n")
                .getBytes(StandardCharsets.UTF_8));
        Runnable[] next = new Runnable[1];
        int[] sent = {0};
        next[0] = () -> {
            try {
                byte[] frame = frames.get(sent[0]++);
                int cut = frame.length / 2;
                for (int at = cut; at < frame.length - 1; at++) {
                    if ((frame[at] & 0xC0) == 0xC0) { // the first byte of a multi-byte character: cut after it
                        cut = at + 1;
                        break;
                    }
                }
                out.write(frame, 0, cut);
                out.flush();
                out.write(frame, cut, frame.length - cut);
                out.flush();
                if (sent[0] < frames.size()) {
                    if (gapMillis == 0) {
                        next[0].run();
                    } else {
                        pacer.schedule(next[0], gapMillis, TimeUnit.MILLISECONDS);
                    }
                    return;
                }
            } catch (IOException e) {
                // the gateway dropped the stream (its client left)
            }
            exchange.close();
        };
        next[0].run();
    }

    private static void writeMessage(OutputStream out) throws IOException {
        out.write((MESSAGE_PREFIX + System.nanoTime() + MESSAGE_SUFFIX).getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    /** One stream with a gap between events: each write schedules the next one. */
    private final class PacedStream implements Runnable {
        private final HttpExchange exchange;
        private final OutputStream out;
        private final int gapMillis;
        private int remaining;

        PacedStream(HttpExchange exchange, OutputStream out, int events, int gapMillis) {
            this.exchange = exchange;
            this.out = out;
            this.remaining = events;
            this.gapMillis = gapMillis;
        }

        void schedule() {
            pacer.schedule(this, gapMillis, TimeUnit.MILLISECONDS);
        }

        @Override
        public void run() {
            try {
                writeMessage(out);
                if (--remaining > 0) {
                    schedule();
                    return;
                }
                out.write(MESSAGE_END);
                out.flush();
            } catch (IOException e) {
                // the client went away mid-stream
            }
            exchange.close();
        }
    }

    @Override
    public void close() {
        server.stop(0);
        pacer.shutdownNow();
        threads.shutdownNow();
        try {
            threads.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

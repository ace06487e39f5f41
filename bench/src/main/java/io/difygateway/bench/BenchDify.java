package io.difygateway.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
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
            } else if (path.endsWith("/chat-messages") && "POST".equals(exchange.getRequestMethod())) {
                stream(exchange, new String(request, StandardCharsets.UTF_8));
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

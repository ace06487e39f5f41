package io.difygateway.support;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A Dify Service API stand-in on a JDK {@link HttpServer}: it records every request and answers
 * {@code POST /v1/chat-messages} with whatever {@link Responder} the test set, streaming frames with real
 * pauses and flushes; {@code POST /v1/chat-messages/{task_id}/stop} answers like Dify and is recorded.
 */
public final class FakeDify implements AutoCloseable {

    /** One request as Dify received it. */
    public record Request(String method, String path, Map<String, List<String>> headers, String body) {
        public String header(String name) {
            return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
                    .map(e -> e.getValue().get(0)).findFirst().orElse(null);
        }
    }

    /** Answers a chat-messages call. */
    @FunctionalInterface
    public interface Responder {
        void respond(HttpExchange exchange, FakeDify dify) throws IOException;
    }

    private static final Pattern STOP = Pattern.compile("/v1/chat-messages/([^/]+)/stop");

    private final HttpServer server;
    private final List<Request> chatRequests = new CopyOnWriteArrayList<>();
    private final BlockingQueue<Request> stopRequests = new LinkedBlockingQueue<>();
    private final List<Long> frameSentNanos = new CopyOnWriteArrayList<>();
    private volatile Responder responder = stream(List.of(), Duration.ZERO);
    private volatile CountDownLatch writeFailed = new CountDownLatch(1);
    private volatile int framesWritten;

    public FakeDify() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 2048);
        server.setExecutor(Executors.newCachedThreadPool());
        server.createContext("/", this::handle);
        server.start();
    }

    /** The base URL to configure, ending in /v1 like Dify's. */
    public String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1";
    }

    public void respondWith(Responder responder) {
        this.responder = responder;
        this.writeFailed = new CountDownLatch(1);
        this.framesWritten = 0;
        this.frameSentNanos.clear();
    }

    public List<Request> chatRequests() {
        return chatRequests;
    }

    public Request lastChatRequest() {
        return chatRequests.get(chatRequests.size() - 1);
    }

    /** The next stop call, waiting up to the timeout; null if none came. */
    public Request awaitStop(Duration timeout) throws InterruptedException {
        return stopRequests.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** True once a write to the gateway failed because it dropped the connection. */
    public boolean awaitWriteFailure(Duration timeout) throws InterruptedException {
        return writeFailed.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    public int framesWritten() {
        return framesWritten;
    }

    /** When each streamed frame was flushed, by {@link System#nanoTime()}. */
    public List<Long> frameSentNanos() {
        return frameSentNanos;
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            Request request = new Request(exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
                    Map.copyOf(exchange.getRequestHeaders()), body);
            Matcher stop = STOP.matcher(request.path());
            if ("POST".equals(request.method()) && stop.matches()) {
                stopRequests.add(request);
                json(exchange, 200, "{\"result\": \"success\"}\n");
            } else if ("POST".equals(request.method()) && "/v1/chat-messages".equals(request.path())) {
                chatRequests.add(request);
                responder.respond(exchange, this);
            } else {
                json(exchange, 404, "{\"code\": \"not_found\", \"message\": \"The requested URL was not found on the server.\", \"status\": 404}\n");
            }
        } catch (IOException e) {
            writeFailed.countDown();
        }
    }

    /** Streams SSE frames (each already terminated by a blank line) with a pause before each. */
    public static Responder stream(List<String> frames, Duration gap) {
        return (exchange, dify) -> {
            exchange.getResponseHeaders().add("Content-Type", "text/event-stream; charset=utf-8");
            exchange.sendResponseHeaders(200, 0);
            OutputStream out = exchange.getResponseBody();
            for (String frame : frames) {
                sleep(gap);
                out.write(frame.getBytes(StandardCharsets.UTF_8));
                out.flush();
                dify.frameSentNanos.add(System.nanoTime());
                dify.framesWritten++;
            }
        };
    }

    /** Streams a transcript file frame by frame with a pause before each frame. */
    public static Responder transcript(Path file, Duration gap) throws IOException {
        return stream(frames(Files.readString(file, StandardCharsets.UTF_8)), gap);
    }

    /** Splits a transcript into its frames, each with its terminating blank line. */
    public static List<String> frames(String transcript) {
        List<String> frames = new ArrayList<>();
        for (String frame : transcript.split("(?<=\n\n)")) {
            if (!frame.isBlank()) {
                frames.add(frame);
            }
        }
        return frames;
    }

    /** A chat app's {@code message} frame carrying one piece of the answer, in current Dify's compact form. */
    public static String messageFrame(String taskId, String answer) {
        return "data: {\"event\":\"message\",\"conversation_id\":\"8f1c6e2a-4b7d-4c1e-9a3f-2d5b7e9c1a40\","
                + "\"message_id\":\"c2a9e7f4-1b3d-4e8a-b6c5-7d2f0a9e3b18\",\"created_at\":1784707531,\"task_id\":\"" + taskId
                + "\",\"id\":\"c2a9e7f4-1b3d-4e8a-b6c5-7d2f0a9e3b18\",\"answer\":\"" + answer + "\",\"from_variable_selector\":null}\n\n";
    }

    /** Answers with a status and a JSON body, as Dify's error handler does. */
    public static Responder error(int status, String body, Map<String, String> headers) {
        return (exchange, dify) -> {
            headers.forEach((name, value) -> exchange.getResponseHeaders().add(name, value));
            json(exchange, status, body);
        };
    }

    /** Sends nothing at all for a while. */
    public static Responder silence(Duration duration) {
        return (exchange, dify) -> sleep(duration);
    }

    private static void json(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}

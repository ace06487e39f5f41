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
 * A Dify Service API stand-in on a JDK {@link HttpServer}: it records every request and answers the run calls
 * ({@code POST /v1/chat-messages}, {@code /completion-messages}, {@code /workflows/run}) with whatever
 * {@link Responder} the test set, streaming frames with real pauses and flushes. The stop calls answer like Dify
 * and are recorded; {@code GET /v1/info} and {@code /v1/parameters} answer per app key (see {@link #app});
 * {@code POST /v1/files/upload} stores the upload and answers 201 with a new file id.
 */
public final class FakeDify implements AutoCloseable {

    /** One request as Dify received it; query is the raw query string, or null. */
    public record Request(String method, String path, String query, Map<String, List<String>> headers, String body) {
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

    private static final Pattern STOP = Pattern.compile("/v1/(chat-messages|completion-messages|workflows/tasks)/([^/]+)/stop");
    /** Dify's run calls, and (for the other backends' tests) OpenAI's, Ollama's, Anthropic's and Azure OpenAI's chat and embeddings endpoints. */
    private static final Pattern RUN_PATHS = Pattern.compile("/v1/(chat-messages|completion-messages|workflows/run|chat/completions|messages|embeddings)"
            + "|/api/(chat|embed)|/openai/deployments/[^/]+/(chat/completions|embeddings)");

    /** What one app (by key) says about itself; a delay before answering /info simulates a slow Dify. */
    public static final class App {
        private volatile String info = "{\"name\": \"Fake Dify app\", \"description\": \"\", \"tags\": [], \"mode\": \"chat\"}";
        private volatile String parameters = "{\"user_input_form\": [], \"file_upload\": {\"image\": {\"enabled\": false}}}";
        private volatile Duration infoDelay = Duration.ZERO;
        private volatile String site;
        private volatile String conversationName;
        private volatile List<String> suggestions;

        public App info(String json) {
            this.info = json;
            return this;
        }

        public App parameters(String json) {
            this.parameters = json;
            return this;
        }

        /** The app's web site settings (GET /site); without them, a 404 as for an app whose site is off. */
        public App site(String json) {
            this.site = json;
            return this;
        }

        /** The name Dify generates for a conversation (POST /conversations/{id}/name, auto_generate); null: Dify fails. */
        public App conversationName(String name) {
            this.conversationName = name;
            return this;
        }

        /** The questions suggested after every answer; null: the feature is off (Dify's 400). */
        public App suggestions(List<String> questions) {
            this.suggestions = questions;
            return this;
        }

        public App infoDelay(Duration delay) {
            this.infoDelay = delay;
            return this;
        }
    }

    private final HttpServer server;
    private final List<Request> chatRequests = new CopyOnWriteArrayList<>();
    private final List<Integer> runCallPorts = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final List<Request> uploads = new CopyOnWriteArrayList<>();
    private final List<Request> audioRequests = new CopyOnWriteArrayList<>();
    private final List<Request> resumeRequests = new CopyOnWriteArrayList<>();
    private volatile Responder resumeResponder = error(404, "{\"code\": \"not_found\", \"message\": \"The requested URL was not found on the server.\", \"status\": 404}", Map.of());
    private static final Pattern RUN_EVENTS = Pattern.compile("/v1/workflow/[^/]+/events");
    private static final Pattern CONVERSATION_NAME = Pattern.compile("/v1/conversations/([^/]+)/name");
    private static final Pattern SUGGESTED = Pattern.compile("/v1/messages/([^/]+)/suggested");
    private final List<Request> taskRequests = new CopyOnWriteArrayList<>();
    private final Map<String, App> apps = new java.util.concurrent.ConcurrentHashMap<>();
    private final App defaultApp = new App();
    private volatile Responder uploadFailure;
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

    /** A started fake, for static initialisers. */
    public static FakeDify startUnchecked() {
        try {
            return new FakeDify();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The base URL to configure, ending in /v1 like Dify's. */
    public String baseUrl() {
        return origin() + "/v1";
    }

    /** The server's address without a path, for backends whose API is not under /v1 (Ollama). */
    public String origin() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    public void respondWith(Responder responder) {
        this.responder = responder;
        this.writeFailed = new CountDownLatch(1);
        this.framesWritten = 0;
        this.frameSentNanos.clear();
    }

    /** The app answering for a key's /info and /parameters (created on first use). */
    public App app(String apiKey) {
        return apps.computeIfAbsent(apiKey, key -> new App());
    }

    /** Every run call (chat, completion, workflow), in order. */
    public List<Request> chatRequests() {
        return chatRequests;
    }

    /** The gateway's local port of each run call's connection, in order: the same port twice is a kept-alive connection. */
    public List<Integer> runCallPorts() {
        return runCallPorts;
    }

    /** Makes uploads fail with this answer (null: uploads succeed again). */
    public void failUploadsWith(Responder failure) {
        this.uploadFailure = failure;
    }

    /** Answers a workflow run's events ({@code GET /v1/workflow/{run}/events}, resuming a cut stream); 404 until set, as older Dify. */
    public void resumeWith(Responder responder) {
        this.resumeResponder = responder;
    }

    /** Every request for a run's events, in order. */
    public List<Request> resumeRequests() {
        return resumeRequests;
    }

    /** Every audio call (Dify's audio-to-text and text-to-audio, OpenAI's audio endpoints), in order; bodies as ISO-8859-1 text. */
    public List<Request> audioRequests() {
        return audioRequests;
    }

    /** Every file upload, in order (the body is the raw multipart text). */
    public List<Request> uploads() {
        return uploads;
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

    /** The calls made to answer background tasks (conversation name, message list, suggested questions), in order. */
    public List<Request> taskRequests() {
        return taskRequests;
    }

    /** When each streamed frame was flushed, by {@link System#nanoTime()}. */
    public List<Long> frameSentNanos() {
        return frameSentNanos;
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.ISO_8859_1);
            Request request = new Request(exchange.getRequestMethod(), exchange.getRequestURI().getPath(), exchange.getRequestURI().getRawQuery(),
                    Map.copyOf(exchange.getRequestHeaders()), body);
            String key = request.header("Authorization") == null ? "" : request.header("Authorization").replaceFirst("^Bearer ", "");
            App app = apps.getOrDefault(key, defaultApp);
            Matcher stop = STOP.matcher(request.path());
            if ("POST".equals(request.method()) && stop.matches()) {
                stopRequests.add(request);
                json(exchange, 200, "{\"result\": \"success\"}\n");
            } else if ("POST".equals(request.method()) && RUN_PATHS.matcher(request.path()).matches()) {
                runCallPorts.add(exchange.getRemoteAddress().getPort());
                String text = new String(body.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8);
                chatRequests.add(new Request(request.method(), request.path(), request.query(), request.headers(), text));
                String invalid = request.path().startsWith("/v1/") ? inputLimitViolation(app, text) : null;
                if (invalid != null) {
                    json(exchange, 400, "{\"code\": \"invalid_param\", \"message\": \"" + invalid + "\", \"status\": 400}");
                    return;
                }
                responder.respond(exchange, this);
            } else if ("GET".equals(request.method()) && RUN_EVENTS.matcher(request.path()).matches()) {
                resumeRequests.add(request);
                resumeResponder.respond(exchange, this);
            } else if ("POST".equals(request.method()) && CONVERSATION_NAME.matcher(request.path()).matches()) {
                taskRequests.add(request);
                Matcher conversation = CONVERSATION_NAME.matcher(request.path());
                conversation.matches();
                if (app.conversationName == null) {
                    json(exchange, 500, "{\"code\": \"internal_server_error\", \"message\": \"Internal Server Error.\", \"status\": 500}");
                } else {
                    json(exchange, 200, "{\"id\": \"" + conversation.group(1) + "\", \"name\": \"" + app.conversationName
                            + "\", \"inputs\": {}, \"status\": \"normal\", \"introduction\": \"\", \"created_at\": 1784707531, \"updated_at\": 1784707540}");
                }
            } else if ("GET".equals(request.method()) && "/v1/messages".equals(request.path())) {
                taskRequests.add(request);
                String conversation = request.query() == null ? "" : request.query().replaceFirst("^.*conversation_id=([^&]*).*$", "$1");
                json(exchange, 200, "{\"limit\": 1, \"has_more\": true, \"data\": [{\"id\": \"msg-of-" + conversation
                        + "\", \"conversation_id\": \"" + conversation + "\", \"query\": \"q\", \"answer\": \"a\", \"created_at\": 1784707531}]}");
            } else if ("GET".equals(request.method()) && SUGGESTED.matcher(request.path()).matches()) {
                taskRequests.add(request);
                if (app.suggestions == null) {
                    json(exchange, 400, "{\"code\": \"bad_request\", \"message\": \"Suggested Questions Is Disabled.\", \"status\": 400}");
                } else {
                    json(exchange, 200, new com.fasterxml.jackson.databind.ObjectMapper().createObjectNode().put("result", "success")
                            .set("data", new com.fasterxml.jackson.databind.ObjectMapper().valueToTree(app.suggestions)).toString());
                }
            } else if ("GET".equals(request.method()) && "/v1/info".equals(request.path())) {
                sleep(app.infoDelay);
                json(exchange, 200, app.info);
            } else if ("GET".equals(request.method()) && "/v1/site".equals(request.path()) && app.site != null) {
                json(exchange, 200, app.site);
            } else if ("GET".equals(request.method()) && "/v1/parameters".equals(request.path())) {
                json(exchange, 200, app.parameters);
            } else if ("POST".equals(request.method()) && AUDIO_PATHS.contains(request.path())) {
                audioRequests.add(request);
                audio(exchange, request);
            } else if ("POST".equals(request.method()) && "/v1/files/upload".equals(request.path())) {
                uploads.add(request);
                if (uploadFailure != null) {
                    uploadFailure.respond(exchange, this);
                    return;
                }
                json(exchange, 201, "{\"id\": \"upload-" + uploads.size() + "\", \"name\": \"f\", \"size\": " + body.length()
                        + ", \"extension\": \"png\", \"mime_type\": \"image/png\", \"created_by\": \"u\", \"created_at\": 1}\n");
            } else {
                json(exchange, 404, "{\"code\": \"not_found\", \"message\": \"The requested URL was not found on the server.\", \"status\": 404}\n");
            }
        } catch (IOException e) {
            writeFailed.countDown();
        }
    }

    /** Dify's check of text inputs against the app's form ({@code max_length}): its message for the first too long, or null. */
    private static String inputLimitViolation(App app, String body) {
        try {
            com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
            com.fasterxml.jackson.databind.JsonNode inputs = json.readTree(body).path("inputs");
            for (com.fasterxml.jackson.databind.JsonNode item : json.readTree(app.parameters).path("user_input_form")) {
                for (String type : List.of("text-input", "paragraph")) {
                    com.fasterxml.jackson.databind.JsonNode field = item.path(type);
                    String variable = field.path("variable").asText();
                    int limit = field.path("max_length").asInt(0);
                    if (limit > 0 && inputs.path(variable).isTextual() && inputs.path(variable).asText().length() > limit) {
                        return variable + " in input form must be less than " + limit + " characters";
                    }
                }
            }
            return null;
        } catch (IOException e) {
            return null; // not JSON (another backend's body): nothing to check
        }
    }

    /** What the fake transcribes every recording to. */
    public static final String TRANSCRIPT = "Please reset my VPN token.";
    /** The audio the fake speaks every text as: sent in three pieces with pauses. */
    public static final byte[] SPEECH = ("ID3\u0004\u0000\u0000\u0000\u0000\u0000\u0000" + "x".repeat(3000)).getBytes(StandardCharsets.ISO_8859_1);
    private static final java.util.Set<String> AUDIO_PATHS = java.util.Set.of("/v1/audio-to-text", "/v1/text-to-audio",
            "/v1/audio/transcriptions", "/v1/audio/speech");
    /** The audio types Dify's audio-to-text accepts for the uploaded part. */
    private static final java.util.Set<String> DIFY_AUDIO_TYPES = java.util.Set.of("audio/mp3", "audio/m4a", "audio/wav", "audio/amr",
            "audio/mpga", "audio/webm");

    /** Answers the audio endpoints as Dify (type-checked upload, text; streamed audio) and an OpenAI server do. */
    private static void audio(HttpExchange exchange, Request request) throws IOException {
        if (request.path().endsWith("/audio-to-text") || request.path().endsWith("/transcriptions")) {
            Matcher type = Pattern.compile("name=\"file\"[^\r\n]*\r\nContent-Type: ([^\r\n;]+)").matcher(request.body());
            String contentType = type.find() ? type.group(1) : "";
            if (request.path().endsWith("/audio-to-text") && !DIFY_AUDIO_TYPES.contains(contentType)) {
                json(exchange, 415, "{\"code\": \"unsupported_audio_type\", \"message\": \"Audio type not allowed.\", \"status\": 415}");
                return;
            }
            json(exchange, 200, "{\"text\": \"" + TRANSCRIPT + "\"}");
            return;
        }
        exchange.getResponseHeaders().add("Content-Type", "audio/mpeg");
        exchange.sendResponseHeaders(200, 0);
        OutputStream out = exchange.getResponseBody();
        for (int piece = 0; piece < 3; piece++) {
            sleep(Duration.ofMillis(20));
            out.write(SPEECH, piece * SPEECH.length / 3, (piece == 2 ? SPEECH.length : (piece + 1) * SPEECH.length / 3) - piece * SPEECH.length / 3);
            out.flush();
        }
    }

    /** Streams SSE frames (each already terminated by a blank line) with a pause before each. */
    public static Responder stream(List<String> frames, Duration gap) {
        return stream(frames, gap, "text/event-stream; charset=utf-8");
    }

    /** Streams pieces of a body of the given content type (SSE frames, NDJSON lines) with a pause before each. */
    public static Responder stream(List<String> frames, Duration gap, String contentType) {
        return (exchange, dify) -> {
            exchange.getResponseHeaders().add("Content-Type", contentType);
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

    /** A chat app's {@code message_end} frame, with which Dify ends every complete answer. */
    public static String messageEndFrame(String taskId) {
        return "data: {\"event\":\"message_end\",\"conversation_id\":\"8f1c6e2a-4b7d-4c1e-9a3f-2d5b7e9c1a40\","
                + "\"message_id\":\"c2a9e7f4-1b3d-4e8a-b6c5-7d2f0a9e3b18\",\"created_at\":1784707531,\"task_id\":\"" + taskId
                + "\",\"id\":\"c2a9e7f4-1b3d-4e8a-b6c5-7d2f0a9e3b18\",\"metadata\":{\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":3,"
                + "\"total_tokens\":8}},\"files\":[]}\n\n";
    }

    /** Answers with a status and a JSON body, as Dify's error handler does. */
    public static Responder error(int status, String body, Map<String, String> headers) {
        return (exchange, dify) -> {
            headers.forEach((name, value) -> exchange.getResponseHeaders().add(name, value));
            json(exchange, status, body);
        };
    }

    /**
     * Answers as a service that checks its request headers would: each named header must have the given value, else
     * the status and body of {@code refusal} (a 401 for a wrong key, a 400 for a missing version, ...); then {@code next}.
     */
    public static Responder requireHeaders(Map<String, String> required, int status, String refusal, Responder next) {
        return (exchange, dify) -> {
            for (Map.Entry<String, String> header : required.entrySet()) {
                if (!header.getValue().equals(exchange.getRequestHeaders().getFirst(header.getKey()))) {
                    json(exchange, status, refusal);
                    return;
                }
            }
            next.respond(exchange, dify);
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

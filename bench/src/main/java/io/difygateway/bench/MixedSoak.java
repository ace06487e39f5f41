package io.difygateway.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The mixed soak: many calls of every kind a real deployment sees, each answer checked byte for byte against what the
 * fake Dify sent. Of every ten calls: five streams (every other one with multi-byte text cut inside characters by the
 * network), two non-streamed calls, two clients that leave after three chunks (Open WebUI's Stop button: each must
 * lead to a stop call), one stream that fails midway with an in-stream Dify error.
 */
final class MixedSoak {

    /** What a soak run saw: calls by kind, answers that were not exactly right (the first few, described), stops. */
    record Result(int calls, int exact, List<String> wrong, int aborts, int stopsSeen, long millis) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int WORDS = 20;

    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(30)).build();
    private final BenchDify dify;
    private final URI gateway;
    private final int port;

    MixedSoak(BenchDify dify, String gatewayBaseUrl) {
        this.dify = dify;
        this.gateway = URI.create(gatewayBaseUrl + "/v1/chat/completions");
        this.port = gateway.getPort();
    }

    /** Runs calls {@code first} to {@code first + calls - 1} on {@code concurrency} clients; waits for the stop calls. */
    Result run(int first, int calls, int concurrency) throws InterruptedException {
        long start = System.nanoTime();
        AtomicInteger exact = new AtomicInteger();
        AtomicInteger aborts = new AtomicInteger();
        List<String> wrong = Collections.synchronizedList(new ArrayList<>());
        List<String> abortedTasks = Collections.synchronizedList(new ArrayList<>());
        ExecutorService clients = Executors.newFixedThreadPool(concurrency);
        for (int i = first; i < first + calls; i++) {
            int call = i;
            clients.execute(() -> {
                try {
                    String problem = switch (call % 10) {
                        case 0, 1, 2, 3, 4 -> streamed(call, call % 2 == 1, -1);
                        case 5, 6 -> nonStreamed(call);
                        case 7, 8 -> {
                            aborts.incrementAndGet();
                            abortedTasks.add(BenchDify.soakTask(call));
                            yield leaveAfterThreeChunks(call);
                        }
                        default -> streamed(call, true, WORDS / 2);
                    };
                    if (problem == null) {
                        exact.incrementAndGet();
                    } else if (wrong.size() < 10) {
                        wrong.add("call " + call + ": " + problem);
                    }
                } catch (Exception e) {
                    if (wrong.size() < 10) {
                        wrong.add("call " + call + ": " + e);
                    }
                }
            });
        }
        clients.shutdown();
        clients.awaitTermination(30, TimeUnit.MINUTES);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!dify.stopped().containsAll(abortedTasks) && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        int stops = (int) abortedTasks.stream().filter(dify.stopped()::contains).count();
        return new Result(calls, exact.get(), List.copyOf(wrong), aborts.get(), stops, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
    }

    private static String expected(int call, boolean multibyte, int words) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < words; i++) {
            text.append(BenchDify.soakWord(call, i, multibyte));
        }
        return text.toString();
    }

    private String body(int call, boolean stream, boolean multibyte, int gapMillis, int errorAfter) {
        return "{\"model\":\"bench\",\"stream\":" + stream + ",\"user\":\"soak\",\"messages\":[{\"role\":\"user\",\"content\":\""
                + BenchDify.soakQuery(call, WORDS, gapMillis, multibyte, errorAfter) + "\"}]}";
    }

    private HttpRequest post(String body) {
        return HttpRequest.newBuilder(gateway).timeout(Duration.ofMinutes(2)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }

    /** A stream whose content must be exactly the words sent; with {@code errorAfter}, then the Dify error as a chunk. */
    private String streamed(int call, boolean multibyte, int errorAfter) throws IOException, InterruptedException {
        HttpResponse<String> response = client.send(post(body(call, true, multibyte, 0, errorAfter)), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            return "HTTP " + response.statusCode() + " " + response.body();
        }
        StringBuilder content = new StringBuilder();
        String error = null;
        boolean done = false;
        for (String line : response.body().split("\n")) {
            if (!line.startsWith("data: ")) {
                continue;
            }
            String data = line.substring(6);
            if (data.equals("[DONE]")) {
                done = true;
                continue;
            }
            JsonNode chunk = JSON.readTree(data);
            if (chunk.has("error")) {
                error = chunk.at("/error/message").asText();
            }
            JsonNode text = chunk.at("/choices/0/delta/content");
            if (text.isTextual()) {
                content.append(text.asText());
            }
        }
        String want = expected(call, multibyte, errorAfter >= 0 ? errorAfter : WORDS);
        if (!content.toString().equals(want)) {
            return "content '" + content + "' instead of '" + want + "'";
        }
        if (errorAfter >= 0 && (error == null || !error.contains(BenchDify.soakError(call)))) {
            return "no error chunk with '" + BenchDify.soakError(call) + "' (got " + error + ")";
        }
        if (errorAfter < 0 && error != null) {
            return "unexpected error " + error;
        }
        return done ? null : "no [DONE]";
    }

    private String nonStreamed(int call) throws IOException, InterruptedException {
        HttpResponse<String> response = client.send(post(body(call, false, true, 0, -1)), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            return "HTTP " + response.statusCode() + " " + response.body();
        }
        String content = JSON.readTree(response.body()).at("/choices/0/message/content").asText();
        String want = expected(call, true, WORDS);
        return content.equals(want) ? null : "content '" + content + "' instead of '" + want + "'";
    }

    /** Opens a slow stream on a raw socket and closes it after three content chunks, as Open WebUI's Stop button does. */
    private String leaveAfterThreeChunks(int call) throws IOException {
        byte[] body = body(call, true, false, 20, -1).getBytes(StandardCharsets.UTF_8);
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(30_000);
            OutputStream out = socket.getOutputStream();
            out.write(("POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: "
                    + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(body);
            out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            int chunks = 0;
            String line;
            while (chunks < 3 && (line = in.readLine()) != null) {
                if (line.contains("\"content\":\"w" + call + "-")) {
                    chunks++;
                }
            }
            return chunks == 3 ? null : "the stream ended after " + chunks + " chunks";
        }
    }
}

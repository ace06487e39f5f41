package io.difygateway.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.difygateway.support.FakeDify;
import io.difygateway.support.GatewayTestBase;
import org.junit.jupiter.api.Test;

/** Real HTTP on both sides: events reach the client while Dify is still sending; a vanished client stops Dify. */
class StreamingEndToEndTest extends GatewayTestBase {

    @org.springframework.beans.factory.annotation.Autowired
    org.apache.camel.CamelContext camel;

    private static final ObjectMapper JSON = new ObjectMapper();

    private HttpRequest streamingRequest(String user) {
        return HttpRequest.newBuilder(uri("/v1/chat/completions")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"helpdesk\",\"stream\":true,\"user\":\"" + user
                        + "\",\"messages\":[{\"role\":\"user\",\"content\":\"Tell me a story\"}]}")).build();
    }

    @Test
    void eachEventReachesTheClientBeforeDifySendsTheNextOne() throws Exception {
        int words = 8;
        Duration gap = Duration.ofMillis(250);
        List<String> frames = IntStream.range(0, words).mapToObj(i -> FakeDify.messageFrame("task-timing", "w" + i + " ")).toList();
        DIFY.respondWith(FakeDify.stream(frames, gap));

        List<Long> arrivals = new ArrayList<>();
        List<String> texts = new ArrayList<>();
        HttpResponse<Stream<String>> response = http.send(streamingRequest("timing"), HttpResponse.BodyHandlers.ofLines());
        assertThat(response.statusCode()).isEqualTo(200);
        try (Stream<String> lines = response.body()) {
            Iterator<String> it = lines.iterator();
            while (it.hasNext()) {
                String line = it.next();
                if (line.startsWith("data: {") && line.contains("\"content\":\"w")) {
                    arrivals.add(System.nanoTime());
                    texts.add(JSON.readTree(line.substring(6)).at("/choices/0/delta/content").asText());
                }
            }
        }
        List<Long> sent = DIFY.frameSentNanos();
        assertThat(texts).hasSize(words);
        assertThat(sent).hasSize(words);
        // the first event is exempt (cold JIT); every other one must be out before Dify sends the next,
        // which a gateway that buffers, or splits with a blocking look-ahead, cannot do
        for (int i = 1; i < words; i++) {
            long lagMillis = Duration.ofNanos(arrivals.get(i) - sent.get(i)).toMillis();
            assertThat(lagMillis).as("event %d arrived %d ms after Dify sent it", i, lagMillis).isLessThan(200);
            if (i + 1 < words) {
                assertThat(arrivals.get(i)).as("event %d arrived before Dify sent event %d", i, i + 1).isLessThan(sent.get(i + 1));
            }
        }
    }

    @Test
    void aClientThatLeavesStopsTheDifyTaskAndTheUpstreamIsDroppedNotDrained() throws Exception {
        int total = 200;
        List<String> frames = IntStream.range(0, total).mapToObj(i -> FakeDify.messageFrame("task-4711", "t" + i + " ")).toList();
        DIFY.respondWith(FakeDify.stream(frames, Duration.ofMillis(50)));

        int contentChunks = leaveAfterThreeChunks();
        assertThat(contentChunks).isEqualTo(3);

        FakeDify.Request stop = DIFY.awaitStop(Duration.ofSeconds(5));
        assertThat(stop).as("the gateway called Dify's stop endpoint").isNotNull();
        assertThat(stop.path()).isEqualTo("/v1/chat-messages/task-4711/stop");
        assertThat(stop.header("Authorization")).isEqualTo("Bearer " + HELPDESK_KEY);
        assertThat(JSON.readTree(stop.body()).get("user").asText()).isEqualTo("leaving-user");

        assertThat(DIFY.awaitWriteFailure(Duration.ofSeconds(5))).as("the gateway dropped the Dify connection").isTrue();
        assertThat(DIFY.framesWritten()).as("the Dify stream was not drained to its end").isLessThan(total / 2);
    }

    @Test
    void stopCallsForManyTasksShareOneEndpointInsteadOfCreatingOnePerTask() throws Exception {
        java.util.function.IntSupplier httpEndpoints = () -> (int) camel.getEndpoints().stream()
                .filter(endpoint -> endpoint.getEndpointUri().startsWith("http")).count();
        while (DIFY.awaitStop(Duration.ZERO) != null) {
            // drop the stop calls of earlier tests
        }
        int before = -1;
        for (int round = 0; round < 4; round++) {
            String task = "task-leak-" + round;
            DIFY.respondWith(FakeDify.stream(IntStream.range(0, 100).mapToObj(i -> FakeDify.messageFrame(task, "t" + i + " ")).toList(),
                    Duration.ofMillis(50)));
            leaveAfterThreeChunks();
            FakeDify.Request stop = DIFY.awaitStop(Duration.ofSeconds(5));
            assertThat(stop).isNotNull();
            assertThat(stop.path()).isEqualTo("/v1/chat-messages/" + task + "/stop");
            assertThat(DIFY.awaitWriteFailure(Duration.ofSeconds(5))).as("the fake's stream of this round has ended").isTrue();
            if (round == 0) {
                before = httpEndpoints.getAsInt();
            }
        }
        assertThat(httpEndpoints.getAsInt()).as("HTTP endpoints (each with its own client and evictor thread)").isEqualTo(before);
    }

    /** Streams a chat over a raw socket and closes it after three content chunks, as Open WebUI's Stop button does. */
    private int leaveAfterThreeChunks() throws Exception {
        String body = "{\"model\":\"helpdesk\",\"stream\":true,\"user\":\"leaving-user\","
                + "\"messages\":[{\"role\":\"user\",\"content\":\"Tell me a story\"}]}";
        int contentChunks = 0;
        // a raw socket, closed mid-stream: what Open WebUI's Stop button or an SDK "break" does to the connection
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.getOutputStream().write(("POST /v1/chat/completions HTTP/1.1\r\nHost: localhost\r\n"
                    + "Content-Type: application/json\r\nContent-Length: " + body.getBytes(StandardCharsets.UTF_8).length
                    + "\r\n\r\n" + body).getBytes(StandardCharsets.UTF_8));
            BufferedReader reader = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            assertThat(reader.readLine()).isEqualTo("HTTP/1.1 200 ");
            String line;
            while (contentChunks < 3 && (line = reader.readLine()) != null) {
                if (line.contains("\"content\":\"t")) {
                    contentChunks++;
                }
            }
        }
        return contentChunks;
    }
}

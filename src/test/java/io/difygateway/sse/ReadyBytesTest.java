package io.difygateway.sse;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import com.sun.net.httpserver.HttpServer;
import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Write coalescing over a real Apache HttpClient response: an upstream that sends one HTTP chunk per event. */
class ReadyBytesTest {

    private final CountDownLatch clientWaits = new CountDownLatch(1);
    private HttpServer server;

    @BeforeEach
    void startServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/events", exchange -> {
            exchange.getResponseHeaders().add("Content-Type", "text/event-stream");
            exchange.sendResponseHeaders(200, 0);
            try (OutputStream body = exchange.getResponseBody()) {
                for (int i = 1; i <= 3; i++) {
                    body.write(("data: burst " + i + "\n\n").getBytes(StandardCharsets.UTF_8));
                    body.flush(); // one chunk per event, as Dify, OpenAI and Ollama send them
                }
                // the fourth event only after the client has run its hook before waiting: no flush, no more events
                if (clientWaits.await(10, TimeUnit.SECONDS)) {
                    body.write("data: later\n\n".getBytes(StandardCharsets.UTF_8));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        server.start();
    }

    @AfterEach
    void stopServer() {
        server.stop(0);
    }

    @Test
    void seesThroughTheHttpClientsChunkDecoding() {
        assertThat(ReadyBytes.seesChunkBuffers()).as("httpcore5's chunk decoder fields are where ReadyBytes reads them").isTrue();
    }

    @Test
    void aBurstOfChunkedEventsRunsTheHookOnceBeforeTheWaitAndNotBetweenEvents() throws Exception {
        List<Integer> hookRunsAfterEvents = new ArrayList<>();
        List<String> data = new ArrayList<>();
        try (CloseableHttpClient client = HttpClients.createDefault();
             ClassicHttpResponse response = client.executeOpen(null, new HttpGet("http://127.0.0.1:" + server.getAddress().getPort() + "/events"), null)) {
            InputStream body = response.getEntity().getContent();
            Thread.sleep(300); // the burst is in the client's socket buffer before the first read
            SseEventReader reader = new SseEventReader(body, 1 << 16, () -> {
                hookRunsAfterEvents.add(data.size());
                if (data.size() == 3) {
                    clientWaits.countDown();
                }
            });
            SseEvent event;
            while ((event = reader.next()) != null) {
                data.add(event.data());
            }
        }
        assertThat(data).containsExactly("burst 1", "burst 2", "burst 3", "later");
        // at most the very first read may find nothing buffered; between the burst's events the next one was always there
        assertThat(hookRunsAfterEvents).doesNotContain(1, 2).contains(3);
    }
}

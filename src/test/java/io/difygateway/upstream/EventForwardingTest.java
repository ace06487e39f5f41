package io.difygateway.upstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.difygateway.completion.ChatCompletion;
import io.difygateway.completion.ClientDisconnectedException;
import io.difygateway.completion.CompletionEvent;
import io.difygateway.completion.ReasoningMode;
import io.difygateway.completion.SseOutput;
import io.difygateway.sse.UpstreamEvents;
import io.difygateway.support.BufferSseOutput;
import io.difygateway.support.RepeatingStream;
import org.junit.jupiter.api.Test;

class EventForwardingTest {

    private static final EventMapper TEXT = event -> List.of(new CompletionEvent.Text(event.data()));

    private static ChatCompletion completion(BufferSseOutput output) {
        return new ChatCompletion("chatcmpl-1", 1L, "helpdesk", true, false, ReasoningMode.REASONING_CONTENT, output, new ObjectMapper());
    }

    private static UpstreamEvents events(InputStream in, ChatCompletion completion) {
        return new UpstreamEvents(in, 4096, completion::isOver, completion::flush, false);
    }

    @Test
    void aBurstOfBufferedEventsCostsOneFlush() {
        BufferSseOutput output = new BufferSseOutput();
        ChatCompletion completion = completion(output);
        String burst = "data: a\n\n".repeat(50);
        InputStream in = new java.io.ByteArrayInputStream(burst.getBytes(StandardCharsets.UTF_8)) {
            @Override
            public synchronized int read(byte[] b, int off, int len) {
                return super.read(b, off, Math.min(len, 90)); // ten events per read, more still available
            }
        };
        EventForwarding.forward(events(in, completion), TEXT, completion);

        assertThat(output.text()).contains("\"content\":\"a\"");
        assertThat(output.text().split("\"content\":\"a\"", -1)).hasSize(51);
        assertThat(output.flushes()).as("one flush when the stream ended, none per event").isEqualTo(1);
    }

    @Test
    void whatWasWrittenIsFlushedBeforeTheNextReadWaitsForTheNetwork() throws Exception {
        BufferSseOutput output = new BufferSseOutput();
        ChatCompletion completion = completion(output);
        PipedOutputStream upstream = new PipedOutputStream();
        PipedInputStream in = new PipedInputStream(upstream, 4096);
        CompletableFuture<Void> forwarding = CompletableFuture.runAsync(() -> EventForwarding.forward(events(in, completion), TEXT, completion));

        upstream.write("data: first\n\n".getBytes(StandardCharsets.UTF_8));
        upstream.flush();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (output.flushes() == 0 && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(output.flushes()).as("flushed while the second event is still on its way").isEqualTo(1);
        assertThat(output.text()).contains("\"content\":\"first\"");

        upstream.write("data: second\n\n".getBytes(StandardCharsets.UTF_8));
        upstream.close();
        forwarding.get(5, TimeUnit.SECONDS);
        assertThat(output.text()).contains("\"content\":\"second\"");
    }

    @Test
    void aClientThatLeftEndsTheForwardingAndDropsTheUpstream() {
        BufferSseOutput output = new BufferSseOutput(1); // the second write fails like a closed socket
        ChatCompletion completion = completion(output);
        RepeatingStream endless = new RepeatingStream("data: more\n\n");
        assertThatThrownBy(() -> EventForwarding.forward(events(endless, completion), TEXT, completion))
                .isInstanceOf(ClientDisconnectedException.class);
        assertThat(endless.isClosed()).as("the upstream connection is dropped, not drained").isTrue();
        assertThat(completion.isClientGone()).isTrue();
    }

    @Test
    void aMapperFailureDropsTheUpstreamToo() throws IOException {
        ChatCompletion completion = completion(new BufferSseOutput());
        AtomicBoolean closed = new AtomicBoolean();
        InputStream in = new java.io.ByteArrayInputStream("data: x\n\ndata: y\n\n".getBytes(StandardCharsets.UTF_8)) {
            @Override
            public void close() {
                closed.set(true);
            }
        };
        EventMapper failing = event -> {
            throw new IllegalStateException("unmappable");
        };
        assertThatThrownBy(() -> EventForwarding.forward(events(in, completion), failing, completion)).hasMessage("unmappable");
        assertThat(closed).isTrue();
    }

    @Test
    void aClientFoundGoneByTheFlushBeforeAWaitDropsTheUpstream() {
        SseOutput leaving = new SseOutput() {
            @Override
            public void begin() {
            }

            @Override
            public void write(byte[] data) {
            }

            @Override
            public void flush() throws IOException {
                throw new IOException("Broken pipe");
            }

            @Override
            public void close() {
            }
        };
        ChatCompletion completion = new ChatCompletion("chatcmpl-1", 1L, "helpdesk", true, false, ReasoningMode.REASONING_CONTENT, leaving,
                new ObjectMapper());
        RepeatingStream slow = new RepeatingStream("data: slow\n\n");
        assertThatThrownBy(() -> EventForwarding.forward(events(slow, completion), TEXT, completion))
                .isInstanceOf(ClientDisconnectedException.class);
        assertThat(slow.isClosed()).as("the upstream connection is dropped, not drained").isTrue();
    }
}

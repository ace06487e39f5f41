package io.difygateway.sse;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;

class SseEventIteratorTest {

    @Test
    void hasNextDoesNotBlockWhileTheNextEventIsStillOnItsWay() throws IOException {
        PipedOutputStream upstream = new PipedOutputStream();
        PipedInputStream in = new PipedInputStream(upstream, 4096);
        SseEventIterator events = new SseEventIterator(in, 4096, () -> false);
        upstream.write("data: first\n\n".getBytes(StandardCharsets.UTF_8));
        upstream.flush();

        assertThat(events.hasNext()).isTrue();
        assertThat(events.next().data()).isEqualTo("first");
        // the second event has not been sent: a look-ahead would block here forever
        assertThat(events.hasNext()).isTrue();

        upstream.close();
        assertThat(events.next()).isNull();
        assertThat(events.hasNext()).isFalse();
    }

    @Test
    void abortClosesTheUpstreamAndEndsTheIteration() {
        AtomicBoolean closed = new AtomicBoolean();
        InputStream in = new InputStream() {
            @Override
            public int read() {
                return -1;
            }

            @Override
            public void close() {
                closed.set(true);
            }
        };
        SseEventIterator events = new SseEventIterator(in, 4096, () -> false);
        events.abort();
        assertThat(closed).isTrue();
        assertThat(events.hasNext()).isFalse();
        assertThat(events.next()).isNull();
    }

    @Test
    void onceTheConsumerIsDoneNothingMoreIsReadAndTheUpstreamIsDropped() {
        AtomicBoolean closed = new AtomicBoolean();
        AtomicBoolean consumerDone = new AtomicBoolean();
        InputStream endless = new InputStream() {
            @Override
            public int read() {
                return 'x';
            }

            @Override
            public int read(byte[] b, int off, int len) {
                byte[] frame = "data: more\n\n".getBytes(StandardCharsets.UTF_8);
                int n = Math.min(len, frame.length);
                System.arraycopy(frame, 0, b, off, n);
                return n;
            }

            @Override
            public void close() {
                closed.set(true);
            }
        };
        SseEventIterator events = new SseEventIterator(endless, 4096, consumerDone::get);
        assertThat(events.hasNext()).isTrue();
        assertThat(events.next().data()).isEqualTo("more");
        consumerDone.set(true);
        // Camel's Splitter walks the remaining parts when it finishes: they must end here, not at the upstream's end
        assertThat(events.hasNext()).isFalse();
        assertThat(closed).isTrue();
        assertThat(events.next()).isNull();
    }
}

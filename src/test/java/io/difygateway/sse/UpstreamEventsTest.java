package io.difygateway.sse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import io.difygateway.support.RepeatingStream;
import org.junit.jupiter.api.Test;

class UpstreamEventsTest {

    private static InputStream bytes(String text) {
        return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void eachEventIsReturnedAsSoonAsItArrivesAndTheWaitHookRunsBeforeTheReadThatWaits() throws IOException {
        PipedOutputStream upstream = new PipedOutputStream();
        PipedInputStream in = new PipedInputStream(upstream, 4096);
        List<String> seen = new ArrayList<>();
        UpstreamEvents events = new UpstreamEvents(in, 4096, () -> false, () -> seen.add("wait"), false);
        upstream.write("data: first\n\ndata: second\n\n".getBytes(StandardCharsets.UTF_8));

        seen.add(events.next().data()); // both events had arrived: no wait before reading them
        seen.add(events.next().data());
        upstream.write("data: third\n\n".getBytes(StandardCharsets.UTF_8));
        upstream.close();
        seen.add(events.next().data()); // the buffer was empty, but the bytes were available: still no wait
        assertThat(events.next()).isNull();
        assertThat(seen).containsExactly("first", "second", "third", "wait");
    }

    @Test
    void ndjsonLinesAreEventsAndBlankLinesAreSkipped() {
        UpstreamEvents events = new UpstreamEvents(bytes("{\"a\":1}\n\n{\"b\":2}\r\n"), 4096, () -> false, () -> { }, true);
        assertThat(events.next().data()).isEqualTo("{\"a\":1}");
        assertThat(events.next().data()).isEqualTo("{\"b\":2}");
        assertThat(events.next()).isNull();
        assertThat(events.next()).isNull();
    }

    @Test
    void abortClosesTheUpstreamAndEndsTheEvents() {
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
        UpstreamEvents events = new UpstreamEvents(in, 4096, () -> false, () -> { }, false);
        events.abort();
        assertThat(closed).isTrue();
        assertThat(events.next()).isNull();
    }

    @Test
    void onceTheConsumerIsDoneNothingMoreIsReadAndTheUpstreamIsDropped() {
        AtomicBoolean consumerDone = new AtomicBoolean();
        RepeatingStream endless = new RepeatingStream("data: more\n\n");
        UpstreamEvents events = new UpstreamEvents(endless, 4096, consumerDone::get, () -> { }, false);
        assertThat(events.next().data()).isEqualTo("more");
        consumerDone.set(true);
        assertThat(events.next()).isNull();
        assertThat(endless.isClosed()).isTrue();
        assertThat(endless.reads()).isEqualTo(1);
    }

    @Test
    void aReadFailureIsReportedUnlessTheConsumerIsDoneAnyway() {
        InputStream broken = new InputStream() {
            @Override
            public int read() throws IOException {
                throw new IOException("Connection reset");
            }
        };
        assertThatThrownBy(() -> new UpstreamEvents(broken, 4096, () -> false, () -> { }, false).next())
                .isInstanceOf(UncheckedIOException.class).hasMessageContaining("Connection reset");
        AtomicBoolean done = new AtomicBoolean();
        UpstreamEvents dropped = new UpstreamEvents(broken, 4096, done::get, () -> done.set(true), false);
        assertThat(dropped.next()).as("dropped by the watchdog while waiting: no failure of its own").isNull();
    }
}

package io.difygateway.sse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import io.difygateway.support.SplitInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SseEventReaderTest {

    private static List<SseEvent> readAll(InputStream in) throws IOException {
        SseEventReader reader = new SseEventReader(in, 1 << 20);
        List<SseEvent> events = new ArrayList<>();
        SseEvent event;
        while ((event = reader.next()) != null) {
            events.add(event);
        }
        return events;
    }

    private static List<SseEvent> readAll(String text) throws IOException {
        return readAll(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void readsDataEventsSeparatedByBlankLines() throws IOException {
        assertThat(readAll("data: {\"a\":1}\n\ndata: {\"b\":2}\n\n"))
                .containsExactly(new SseEvent(null, "{\"a\":1}"), new SseEvent(null, "{\"b\":2}"));
    }

    @Test
    void difyPingIsAnEventWithoutData() throws IOException {
        List<SseEvent> events = readAll("event: ping\n\ndata: x\n\n");
        assertThat(events).containsExactly(new SseEvent("ping", null), new SseEvent(null, "x"));
        assertThat(events.get(0).hasData()).isFalse();
    }

    @Test
    void acceptsCrlfAndLoneCrLineEnds() throws IOException {
        assertThat(readAll("data: one\r\n\r\ndata: two\r\rdata: three\n\n"))
                .extracting(SseEvent::data).containsExactly("one", "two", "three");
    }

    @Test
    void joinsMultipleDataLinesWithNewline() throws IOException {
        assertThat(readAll("data: first\ndata: second\ndata:third\n\n"))
                .extracting(SseEvent::data).containsExactly("first\nsecond\nthird");
    }

    @Test
    void readsIdsAndIgnoresCommentsRetriesAndUnknownFields() throws IOException {
        assertThat(readAll(": keep-alive\n\nid: 7\nretry: 10\nfoo: bar\ndata: x\n\ndata: y\n\n"))
                .containsExactly(new SseEvent(null, "x", "7"), new SseEvent(null, "y"));
    }

    @Test
    void dataWithoutSpaceAfterColonAndFieldWithoutColon() throws IOException {
        assertThat(readAll("data:x\n\ndata\n\n")).extracting(SseEvent::data).containsExactly("x", "");
    }

    @Test
    void returnsThePendingEventAtEndOfStreamWithoutTrailingBlankLine() throws IOException {
        assertThat(readAll("data: a\n\ndata: last")).extracting(SseEvent::data).containsExactly("a", "last");
        assertThat(readAll("data: a\n\ndata: last\n")).extracting(SseEvent::data).containsExactly("a", "last");
    }

    @Test
    void emptyStreamHasNoEvents() throws IOException {
        assertThat(readAll("")).isEmpty();
        assertThat(readAll("\n\n\n")).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 5, 17})
    void eventsSplitAtAnyByteDecodeIntact(int maxPiece) throws IOException {
        String text = "data: {\"answer\":\"Grüße 18°C 日本語 🎉\"}\r\n\r\nevent: ping\r\n\r\ndata: {\"answer\":\"€120\"}\n\n";
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        for (long seed = 0; seed < 20; seed++) {
            assertThat(readAll(new SplitInputStream(bytes, maxPiece, seed)))
                    .as("pieces of at most %d bytes, seed %d", maxPiece, seed)
                    .containsExactly(new SseEvent(null, "{\"answer\":\"Grüße 18°C 日本語 🎉\"}"),
                            new SseEvent("ping", null), new SseEvent(null, "{\"answer\":\"€120\"}"));
        }
    }

    @Test
    void crlfSplitBetweenReadsIsOneLineEnd() throws IOException {
        byte[] bytes = "data: a\r\n\r\ndata: b\r\n\r\n".getBytes(StandardCharsets.UTF_8);
        assertThat(readAll(new SplitInputStream(bytes, 1, 42))).extracting(SseEvent::data).containsExactly("a", "b");
    }

    @Test
    void rejectsALineOverTheLimit() {
        SseEventReader reader = new SseEventReader(
                new ByteArrayInputStream(("data: " + "x".repeat(5000) + "\n\n").getBytes(StandardCharsets.UTF_8)), 1024);
        assertThatThrownBy(reader::next).isInstanceOf(SseFormatException.class).hasMessageContaining("1024");
    }

    @Test
    void aLineJustUnderTheLimitIsAccepted() throws IOException {
        String data = "x".repeat(1000);
        SseEventReader reader = new SseEventReader(
                new ByteArrayInputStream(("data: " + data + "\n\n").getBytes(StandardCharsets.UTF_8)), 1024);
        assertThat(reader.next().data()).isEqualTo(data);
    }
}

package io.difygateway.completion;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class ChunkEncoderTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final ChunkEncoder withUsage = new ChunkEncoder("chatcmpl-7", 1700000000L, "help\"desk", true, JSON);

    private static JsonNode frame(byte[] bytes) throws Exception {
        String text = new String(bytes, StandardCharsets.UTF_8);
        assertThat(text).startsWith("data: ").endsWith("\n\n");
        return JSON.readTree(text.substring(6));
    }

    /** The one frame a call writes. */
    private static byte[] first(java.util.function.Consumer<java.util.function.Consumer<byte[]>> call) {
        List<byte[]> frames = new java.util.ArrayList<>();
        call.accept(frames::add);
        assertThat(frames).hasSize(1);
        return frames.get(0);
    }

    @Test
    void everyChunkCarriesTheSameIdCreatedAndEscapedModelAndANullUsageWhenUsageWasAskedFor() throws Exception {
        JsonNode role = frame(first(withUsage::start));
        assertThat(role.get("id").asText()).isEqualTo("chatcmpl-7");
        assertThat(role.get("model").asText()).isEqualTo("help\"desk");
        assertThat(role.get("created").asLong()).isEqualTo(1700000000L);
        assertThat(role.at("/choices/0/delta/role").asText()).isEqualTo("assistant");
        assertThat(role.has("usage") && role.get("usage").isNull()).isTrue();

        JsonNode finish = frame(withUsage.finishChunk("length"));
        assertThat(finish.at("/choices/0/finish_reason").asText()).isEqualTo("length");
        assertThat(finish.at("/choices/0/delta").isEmpty()).isTrue();

        JsonNode usage = frame(withUsage.usageChunk(new CompletionEvent.Usage(3, 4)));
        assertThat(usage.get("choices").isEmpty()).isTrue();
        assertThat(usage.at("/usage/total_tokens").asLong()).isEqualTo(7);

        JsonNode plain = frame(first(new ChunkEncoder("chatcmpl-7", 1L, "m", false, JSON)::start));
        assertThat(plain.has("usage")).as("no usage field unless asked for").isFalse();
    }

    @Test
    void aLongDeltaIsCutIntoChunksThatTogetherHoldTheTextExactly() throws Exception {
        String text = "é".repeat(ChunkEncoder.MAX_CHUNK_TEXT) + "\"quoted\"\n";
        List<byte[]> frames = new ArrayList<>();
        withUsage.text("content", text, frames::add);
        assertThat(frames).hasSize(2);
        StringBuilder joined = new StringBuilder();
        for (byte[] bytes : frames) {
            joined.append(frame(bytes).at("/choices/0/delta/content").asText());
        }
        assertThat(joined.toString()).isEqualTo(text);
    }

    @Test
    void theNonStreamedBodyHasReasoningAndUsageOnlyWhenGiven() throws Exception {
        JsonNode body = JSON.readTree(withUsage.body("Hi", null, List.of(), "stop", null));
        assertThat(body.get("object").asText()).isEqualTo("chat.completion");
        assertThat(body.at("/choices/0/message/content").asText()).isEqualTo("Hi");
        assertThat(body.at("/choices/0/message").has("reasoning_content")).isFalse();
        assertThat(body.has("usage")).isFalse();
        JsonNode full = JSON.readTree(withUsage.body("Hi", "because", List.of(), "stop", new CompletionEvent.Usage(1, 2)));
        assertThat(full.at("/choices/0/message/reasoning_content").asText()).isEqualTo("because");
        assertThat(full.at("/usage/completion_tokens").asLong()).isEqualTo(2);
    }
}

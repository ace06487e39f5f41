package io.difygateway.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.errors.BadRequestException;
import com.openai.errors.NotFoundException;
import com.openai.errors.OpenAIException;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.openai.models.models.Model;
import io.difygateway.support.FakeDify;
import io.difygateway.support.GatewayTestBase;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The official OpenAI Java SDK as the client, streaming and not, including errors. */
class OpenAiSdkTest extends GatewayTestBase {

    private static final Path TRANSCRIPTS = Path.of("src/test/resources/transcripts/dify");

    private OpenAIClient client;

    @BeforeEach
    void client() {
        client = OpenAIOkHttpClient.builder().baseUrl("http://127.0.0.1:" + port + "/v1").apiKey("unused")
                .maxRetries(0).timeout(Duration.ofSeconds(20)).build();
    }

    private static ChatCompletionCreateParams.Builder params(String model) {
        return ChatCompletionCreateParams.builder().model(model)
                .addSystemMessage("You are the IT helpdesk.")
                .addUserMessage("Weather in Paris?");
    }

    @Test
    void nonStreamingCompletion() throws Exception {
        DIFY.respondWith(FakeDify.transcript(TRANSCRIPTS.resolve("agent-chat-tool-call.sse"), Duration.ZERO));
        ChatCompletion completion = client.chat().completions().create(params("agent").build());
        assertThat(completion.model()).isEqualTo("agent");
        assertThat(completion.choices()).hasSize(1);
        assertThat(completion.choices().get(0).message().content())
                .hasValue("It's currently 18°C and partly cloudy in Paris, with a light 12 km/h wind.");
        assertThat(completion.choices().get(0).finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.STOP);
        assertThat(completion.usage()).hasValueSatisfying(usage -> assertThat(usage.totalTokens()).isPositive());
    }

    @Test
    void streamingCompletionWithUsage() throws Exception {
        DIFY.respondWith(FakeDify.transcript(TRANSCRIPTS.resolve("chat-basic.sse"), Duration.ofMillis(5)));
        StringBuilder text = new StringBuilder();
        List<ChatCompletionChunk> chunks;
        try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(params("helpdesk")
                .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build()).build())) {
            chunks = stream.stream().toList();
        }
        chunks.forEach(chunk -> chunk.choices().forEach(choice -> choice.delta().content().ifPresent(text::append)));
        assertThat(text.toString()).startsWith("Annual plans can be refunded in full within 30 days");
        assertThat(chunks.stream().map(ChatCompletionChunk::id).distinct()).hasSize(1);
        assertThat(chunks.get(chunks.size() - 1).usage()).hasValueSatisfying(usage -> assertThat(usage.promptTokens()).isEqualTo(1258));
        assertThat(chunks.get(chunks.size() - 2).choices().get(0).finishReason())
                .hasValue(ChatCompletionChunk.Choice.FinishReason.STOP);
    }

    @Test
    void anInStreamErrorIsRaisedByTheSdk() {
        DIFY.respondWith((exchange, dify) -> FakeDify.transcript(TRANSCRIPTS.resolve("chat-error-midway.sse"), Duration.ZERO)
                .respond(exchange, dify));
        assertThatThrownBy(() -> {
            try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(params("helpdesk").build())) {
                stream.stream().forEach(chunk -> { });
            }
        }).isInstanceOf(OpenAIException.class).hasMessageContaining("The server is overloaded");
    }

    @Test
    void modelsAndErrors() {
        List<Model> models = client.models().list().data();
        assertThat(models).extracting(Model::id).contains("helpdesk", "agent", "flow");
        assertThat(client.models().retrieve("flow").ownedBy()).isEqualTo("dify");

        assertThatThrownBy(() -> client.chat().completions().create(params("no-such-model").build()))
                .isInstanceOfSatisfying(NotFoundException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(404);
                    assertThat(e.code()).hasValue("model_not_found");
                });
        assertThatThrownBy(() -> client.models().retrieve("no-such-model")).isInstanceOf(NotFoundException.class);

        DIFY.respondWith(FakeDify.error(400, "{\"code\": \"invalid_param\", \"message\": \"query is required\", \"status\": 400}\n",
                java.util.Map.of()));
        assertThatThrownBy(() -> client.chat().completions().create(params("helpdesk").build()))
                .isInstanceOfSatisfying(BadRequestException.class, e -> assertThat(e.getMessage()).contains("query is required"));
    }
}

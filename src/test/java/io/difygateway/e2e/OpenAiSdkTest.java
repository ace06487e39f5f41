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
import com.openai.core.JsonValue;
import com.openai.models.embeddings.CreateEmbeddingResponse;
import com.openai.models.embeddings.EmbeddingCreateParams;
import com.openai.core.MultipartField;
import com.openai.models.audio.speech.SpeechCreateParams;
import com.openai.models.audio.transcriptions.TranscriptionCreateParams;
import com.openai.models.audio.transcriptions.TranscriptionCreateResponse;
import com.openai.models.models.Model;
import com.openai.models.responses.FunctionTool;
import com.openai.models.responses.Response;
import com.openai.models.responses.ResponseCreateParams;
import com.openai.models.responses.ResponseFunctionToolCall;
import com.openai.models.responses.ResponseInputItem;
import com.openai.models.responses.ResponseStatus;
import com.openai.models.responses.ResponseStreamEvent;
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

    @Test
    void responsesStreamedAndNotContinuedByPreviousResponseId() throws Exception {
        DIFY.respondWith(FakeDify.transcript(TRANSCRIPTS.resolve("chat-basic.sse"), Duration.ZERO));
        Response first = client.responses().create(ResponseCreateParams.builder().model("helpdesk").instructions("Be brief.").input("Refunds?").build());
        assertThat(first.id()).startsWith("resp_");
        assertThat(first.status()).hasValue(ResponseStatus.COMPLETED);
        assertThat(first.output().get(0).asMessage().content().get(0).asOutputText().text()).startsWith("Annual plans can be refunded");
        assertThat(first.usage()).hasValueSatisfying(usage -> assertThat(usage.totalTokens()).isPositive());

        DIFY.respondWith(FakeDify.transcript(TRANSCRIPTS.resolve("chat-basic.sse"), Duration.ofMillis(2)));
        StringBuilder deltas = new StringBuilder();
        Response completed = null;
        try (StreamResponse<ResponseStreamEvent> stream = client.responses().createStreaming(ResponseCreateParams.builder()
                .model("helpdesk").previousResponseId(first.id()).input("And monthly plans?").build())) {
            for (ResponseStreamEvent event : (Iterable<ResponseStreamEvent>) stream.stream()::iterator) {
                event.outputTextDelta().ifPresent(delta -> deltas.append(delta.delta()));
                if (event.isCompleted()) {
                    completed = event.asCompleted().response();
                }
            }
        }
        assertThat(completed).isNotNull();
        assertThat(completed.previousResponseId()).hasValue(first.id());
        assertThat(completed.output().get(0).asMessage().content().get(0).asOutputText().text()).isEqualTo(deltas.toString()).isNotEmpty();
        assertThat(DIFY.lastChatRequest().body()).contains("\"conversation_id\":\"8f1c6e2a-4b7d-4c1e-9a3f-2d5b7e9c1a40\"");
        assertThat(client.responses().retrieve(completed.id()).id()).isEqualTo(completed.id());
    }

    @Test
    void aFunctionToolRoundTripThroughResponsesOnAnOpenAiCompatibleBackend() throws Exception {
        DIFY.respondWith(FakeDify.stream(List.of(
                "data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"x\",\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":"
                        + "[{\"index\":0,\"id\":\"call_w1\",\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"arguments\":\"{\\\"city\\\":\\\"Paris\\\"}\"}}]},\"finish_reason\":\"tool_calls\"}]}\n\n",
                "data: [DONE]\n\n"), Duration.ZERO));
        FunctionTool weather = FunctionTool.builder().name("get_weather").strict(false).parameters(FunctionTool.Parameters.builder()
                .putAdditionalProperty("type", JsonValue.from("object"))
                .putAdditionalProperty("properties", JsonValue.from(java.util.Map.of("city", java.util.Map.of("type", "string")))).build()).build();
        Response called = client.responses().create(ResponseCreateParams.builder().model("vllm").addTool(weather).input("Weather in Paris?").build());
        ResponseFunctionToolCall call = called.output().get(0).asFunctionCall();
        assertThat(call.name()).isEqualTo("get_weather");
        assertThat(call.arguments()).isEqualTo("{\"city\":\"Paris\"}");

        DIFY.respondWith(FakeDify.stream(List.of(
                "data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"x\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"18 °C.\"},\"finish_reason\":\"stop\"}]}\n\n",
                "data: [DONE]\n\n"), Duration.ZERO));
        Response answered = client.responses().create(ResponseCreateParams.builder().model("vllm").addTool(weather)
                .previousResponseId(called.id())
                .inputOfResponse(List.of(ResponseInputItem.ofFunctionCallOutput(ResponseInputItem.FunctionCallOutput.builder()
                        .callId(call.callId()).output("18 °C").build()))).build());
        assertThat(answered.output().get(0).asMessage().content().get(0).asOutputText().text()).isEqualTo("18 °C.");
        String messages = DIFY.lastChatRequest().body();
        assertThat(messages).contains("\"role\":\"assistant\"").contains("\"tool_call_id\":\"call_w1\"").contains("Weather in Paris?");
    }

    @Test
    void embeddingsFromAnOpenAiCompatibleServer() {
        DIFY.respondWith(FakeDify.error(200, "{\"object\":\"list\",\"data\":[{\"object\":\"embedding\",\"index\":0,\"embedding\":[0.25,-0.5]}],"
                + "\"model\":\"e\",\"usage\":{\"prompt_tokens\":3,\"total_tokens\":3}}", java.util.Map.of()));
        CreateEmbeddingResponse embeddings = client.embeddings().create(EmbeddingCreateParams.builder().model("vllm").input("refund policy").build());
        assertThat(embeddings.model()).isEqualTo("vllm");
        assertThat(embeddings.data().get(0).embedding()).containsExactly(0.25f, -0.5f);
        assertThat(embeddings.usage().totalTokens()).isEqualTo(3);
        assertThatThrownBy(() -> client.embeddings().create(EmbeddingCreateParams.builder().model("helpdesk").input("x").build()))
                .isInstanceOf(BadRequestException.class).hasMessageContaining("cannot make embeddings");
    }

    @Test
    void voiceThroughADifyApp() throws Exception {
        TranscriptionCreateResponse transcript = client.audio().transcriptions().create(TranscriptionCreateParams.builder().model("voice")
                .file(MultipartField.<java.io.InputStream>builder().value(new java.io.ByteArrayInputStream("ID3 fake".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1)))
                        .filename("recording.mp3").build()).build());
        assertThat(transcript.asTranscription().text()).isEqualTo(FakeDify.TRANSCRIPT);

        try (com.openai.core.http.HttpResponse speech = client.audio().speech().create(SpeechCreateParams.builder().model("voice")
                .input("Your token is reset.").voice("sambert-zhiying-v1").build())) {
            assertThat(speech.body().readAllBytes()).isEqualTo(FakeDify.SPEECH);
        }
        assertThatThrownBy(() -> client.audio().speech().create(SpeechCreateParams.builder().model("helpdesk").input("Hi").voice("alloy").build()))
                .isInstanceOf(BadRequestException.class).hasMessageContaining("does not speak");
    }
}

package io.difygateway.e2e;

import static io.difygateway.support.OpenAiStreams.chunks;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.openai.OpenAiChatModel;
import dev.langchain4j.model.openai.OpenAiStreamingChatModel;
import io.difygateway.support.FakeDify;
import io.difygateway.support.GatewayTestBase;
import io.difygateway.support.OpenAiStreams;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.prompt.Prompt;
import org.springframework.ai.openai.OpenAiChatOptions;
import org.springframework.ai.openai.api.OpenAiApi;
import org.springframework.http.client.reactive.JdkClientHttpConnector;
import org.springframework.retry.support.RetryTemplate;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * Real clients against the running gateway: LangChain4j's OpenAI models, Spring AI's OpenAI chat model, the official `openai` npm package (run
 * with the machine's Node, skipped with a message where there is none), and every Open WebUI request body checked
 * the way Open WebUI parses answers.
 */
class ClientConformanceTest extends GatewayTestBase {

    private static final Path TRANSCRIPTS = Path.of("src/test/resources/transcripts/dify");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ANSWER = "Annual plans can be refunded in full within 30 days";

    private void answerWithChatBasic() throws IOException {
        DIFY.respondWith(FakeDify.transcript(TRANSCRIPTS.resolve("chat-basic.sse"), Duration.ofMillis(2)));
    }

    @Test
    void langChain4jStreamingAndBlockingModels() throws Exception {
        answerWithChatBasic();
        OpenAiStreamingChatModel streaming = OpenAiStreamingChatModel.builder().baseUrl("http://127.0.0.1:" + port + "/v1")
                .apiKey("unused").modelName("helpdesk").timeout(Duration.ofSeconds(20)).build();
        StringBuilder partials = new StringBuilder();
        CompletableFuture<dev.langchain4j.model.chat.response.ChatResponse> done = new CompletableFuture<>();
        streaming.chat("Refunds?", new StreamingChatResponseHandler() {
            @Override
            public void onPartialResponse(String partial) {
                partials.append(partial);
            }

            @Override
            public void onCompleteResponse(dev.langchain4j.model.chat.response.ChatResponse response) {
                done.complete(response);
            }

            @Override
            public void onError(Throwable error) {
                done.completeExceptionally(error);
            }
        });
        dev.langchain4j.model.chat.response.ChatResponse response = done.get(20, TimeUnit.SECONDS);
        assertThat(partials.toString()).startsWith(ANSWER);
        assertThat(response.aiMessage().text()).isEqualTo(partials.toString());

        OpenAiChatModel blocking = OpenAiChatModel.builder().baseUrl("http://127.0.0.1:" + port + "/v1").apiKey("unused")
                .modelName("helpdesk").maxRetries(0).build();
        assertThat(blocking.chat("Refunds?")).startsWith(ANSWER);
        assertThatThrownBy(() -> OpenAiChatModel.builder().baseUrl("http://127.0.0.1:" + port + "/v1").apiKey("unused")
                .modelName("no-such-model").maxRetries(0).build().chat("hi")).hasMessageContaining("model_not_found");
    }

    @Test
    void springAiChatModelStreamingBlockingAndErrors() throws Exception {
        answerWithChatBasic();
        OpenAiApi api = OpenAiApi.builder().baseUrl("http://127.0.0.1:" + port).apiKey("unused")
                .webClientBuilder(WebClient.builder().clientConnector(new JdkClientHttpConnector())).build();
        RetryTemplate noRetries = RetryTemplate.builder().maxAttempts(1).build();
        org.springframework.ai.openai.OpenAiChatModel helpdesk = org.springframework.ai.openai.OpenAiChatModel.builder().openAiApi(api).retryTemplate(noRetries)
                .defaultOptions(OpenAiChatOptions.builder().model("helpdesk").build()).build();

        List<String> parts = helpdesk.stream(new Prompt("Refunds?"))
                .map(response -> response.getResult() == null || response.getResult().getOutput().getText() == null ? ""
                        : response.getResult().getOutput().getText())
                .collectList().block(Duration.ofSeconds(20));
        assertThat(parts).isNotNull();
        assertThat(parts.size()).as("streamed in pieces").isGreaterThan(3);
        assertThat(String.join("", parts)).startsWith(ANSWER);

        answerWithChatBasic();
        ChatResponse blocking = helpdesk.call(new Prompt("Refunds?"));
        assertThat(blocking.getResult().getOutput().getText()).startsWith(ANSWER);
        assertThat(blocking.getMetadata().getUsage().getPromptTokens()).isEqualTo(1258);

        org.springframework.ai.openai.OpenAiChatModel unknown = org.springframework.ai.openai.OpenAiChatModel.builder().openAiApi(api).retryTemplate(noRetries)
                .defaultOptions(OpenAiChatOptions.builder().model("no-such-model").build()).build();
        assertThatThrownBy(() -> unknown.call(new Prompt("hi"))).hasMessageContaining("model_not_found");
    }

    @Test
    void theOfficialOpenAiNodePackage() throws Exception {
        Assumptions.assumeTrue(onPath("node") && onPath("npm"),
                "node/npm not found: the openai npm package test is skipped (Debian/Ubuntu: sudo apt-get install nodejs npm)");
        Path client = Path.of("target/node-openai-client");
        if (!Files.exists(client.resolve("node_modules/openai/package.json"))) {
            Files.createDirectories(client);
            Files.writeString(client.resolve("package.json"), "{\"name\":\"openai-client\",\"private\":true,\"type\":\"module\"}");
            assertThat(run(client, Duration.ofMinutes(3), "npm", "install", "--no-audit", "--no-fund", "--silent", "openai@5").exitCode())
                    .as("npm install openai").isZero();
        }
        Files.copy(Path.of("src/test/resources/node/openai-client.mjs"), client.resolve("openai-client.mjs"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        String chatBasic = Files.readString(TRANSCRIPTS.resolve("chat-basic.sse"));
        // Dify answers with chat-basic; the OpenAI-compatible server calls a tool, then answers once it has the result
        DIFY.respondWith((exchange, dify) -> {
            FakeDify.Request request = dify.lastChatRequest();
            if (request.path().equals("/v1/embeddings")) {
                // as an OpenAI server answers: base64 float32 when asked (the npm package asks by default)
                java.nio.ByteBuffer floats = java.nio.ByteBuffer.allocate(12).order(java.nio.ByteOrder.LITTLE_ENDIAN).putFloat(0.25f).putFloat(-0.5f).putFloat(1.0f);
                String vector = request.body().contains("\"base64\"") ? "\"" + java.util.Base64.getEncoder().encodeToString(floats.array()) + "\"" : "[0.25,-0.5,1.0]";
                FakeDify.error(200, "{\"object\":\"list\",\"data\":[{\"object\":\"embedding\",\"index\":0,\"embedding\":" + vector + "}],"
                        + "\"model\":\"e\",\"usage\":{\"prompt_tokens\":2,\"total_tokens\":2}}", java.util.Map.of()).respond(exchange, dify);
            } else if (!request.path().equals("/v1/chat/completions")) {
                FakeDify.stream(FakeDify.frames(chatBasic), Duration.ZERO).respond(exchange, dify);
            } else if (request.body().contains("\"tool_call_id\"")) {
                FakeDify.stream(List.of(OPENAI_CHUNK.formatted("{\"content\":\"18 °C in Paris.\"}", "\"stop\""), "data: [DONE]\n\n"),
                        Duration.ZERO).respond(exchange, dify);
            } else {
                FakeDify.stream(List.of(OPENAI_CHUNK.formatted("{\"tool_calls\":[{\"index\":0,\"id\":\"call_n1\",\"type\":\"function\","
                        + "\"function\":{\"name\":\"get_weather\",\"arguments\":\"{\\\"city\\\":\\\"Paris\\\"}\"}}]}", "\"tool_calls\""),
                        "data: [DONE]\n\n"), Duration.ZERO).respond(exchange, dify);
            }
        });
        Result result = run(client, Duration.ofMinutes(1), "node", "openai-client.mjs", "http://127.0.0.1:" + port + "/v1");
        assertThat(result.exitCode()).as(result.output()).isZero();
        List<JsonNode> lines = new ArrayList<>();
        for (String line : result.output().split("\n")) {
            if (line.startsWith("{")) {
                lines.add(JSON.readTree(line));
            }
        }
        assertThat(lines).as(result.output()).hasSize(7);
        assertThat(lines.get(0).get("text").asText()).startsWith(ANSWER);
        assertThat(lines.get(0).at("/usage/prompt_tokens").asLong()).isEqualTo(1258);
        assertThat(lines.get(0).get("ids").asInt()).isEqualTo(1);
        assertThat(lines.get(1).get("text").asText()).startsWith(ANSWER);
        assertThat(lines.get(2).get("status").asInt()).isEqualTo(404);
        assertThat(lines.get(2).get("code").asText()).isEqualTo("model_not_found");
        assertThat(lines.get(2).get("name").asText()).isEqualTo("NotFoundError");

        JsonNode response = lines.get(3);
        assertThat(response.get("id").asText()).startsWith("resp_");
        assertThat(response.get("status").asText()).isEqualTo("completed");
        assertThat(response.get("text").asText()).startsWith(ANSWER);
        assertThat(response.at("/usage/total_tokens").asLong()).isPositive();
        JsonNode streamed = lines.get(4);
        assertThat(streamed.get("first").asText()).isEqualTo("response.created");
        assertThat(streamed.get("last").asText()).isEqualTo("response.completed");
        assertThat(streamed.get("deltas").asText()).startsWith(ANSWER).isEqualTo(streamed.get("text").asText());
        assertThat(streamed.get("previous").asText()).isEqualTo(response.get("id").asText());
        JsonNode tools = lines.get(5);
        assertThat(tools.get("name").asText()).isEqualTo("get_weather");
        assertThat(tools.get("arguments").asText()).isEqualTo("{\"city\":\"Paris\"}");
        assertThat(tools.get("text").asText()).isEqualTo("18 °C in Paris.");
        JsonNode voice = lines.get(6);
        assertThat(voice.get("text").asText()).isEqualTo(FakeDify.TRANSCRIPT);
        assertThat(voice.get("bytes").asInt()).isEqualTo(FakeDify.SPEECH.length);
        assertThat(voice.get("head").asText()).isEqualTo("ID3");
        assertThat(voice.get("dimensions").asInt()).isEqualTo(3);
        assertThat(voice.get("model").asText()).isEqualTo("vllm");
    }

    /** An OpenAI chat.completion.chunk frame with a delta and a finish reason (JSON). */
    private static final String OPENAI_CHUNK = "data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"x\","
            + "\"choices\":[{\"index\":0,\"delta\":%s,\"finish_reason\":%s}]}\n\n";

    @Test
    void everyOpenWebUiRequestIsAnsweredTheWayOpenWebUiParses() throws Exception {
        try (Stream<Path> bodies = Files.list(Path.of("src/test/resources/openwebui"))) {
            for (Path file : bodies.sorted().toList()) {
                answerWithChatBasic();
                String body = Files.readString(file).replace("dify-helpdesk", file.getFileName().toString().contains("image") ? "vision" : "helpdesk");
                HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri("/v1/chat/completions"))
                        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(response.statusCode()).as(file + ": " + response.body()).isEqualTo(200);
                if (JSON.readTree(body).path("stream").asBoolean()) {
                    assertOpenWebUiStream(file.toString(), response.body());
                } else {
                    JsonNode completion = JSON.readTree(response.body());
                    assertThat(completion.get("choices")).as(file.toString()).hasSize(1);
                    assertThat(completion.at("/choices/0/message/content").asText()).as(file + ": never empty without an error").isNotBlank();
                }
            }
        }
    }

    @Test
    void openWebUiNativeToolTurnsReachAnOpenAiCompatibleModelAndItsToolCallsComeBackAsOpenWebUiAccumulatesThem() throws Exception {
        String toolsTurn = Files.readString(Path.of("src/test/resources/openwebui/chat-stream-native-tools.json")).replace("dify-helpdesk", "vllm");
        DIFY.respondWith(FakeDify.stream(List.of(
                OPENAI_CHUNK.formatted("{\"tool_calls\":[{\"index\":0,\"id\":\"call_kb\",\"type\":\"function\",\"function\":{\"name\":\"query_knowledge_files\",\"arguments\":\"\"}}]}", "null"),
                OPENAI_CHUNK.formatted("{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"{\\\"query\\\": \\\"VPN\"}}]}", "null"),
                OPENAI_CHUNK.formatted("{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\" policy\\\"}\"}}]}", "\"tool_calls\""),
                "data: [DONE]\n\n"), Duration.ZERO));
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri("/v1/chat/completions")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(toolsTurn)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        // Open WebUI accumulates delta.tool_calls by index: id and name from the first piece, the arguments concatenated
        java.util.Map<Integer, String[]> calls = new java.util.TreeMap<>();
        for (JsonNode chunk : chunks(response.body())) {
            for (JsonNode call : chunk.at("/choices/0/delta/tool_calls")) {
                String[] accumulated = calls.computeIfAbsent(call.get("index").asInt(), index -> new String[] {"", "", ""});
                accumulated[0] += call.path("id").asText("");
                accumulated[1] += call.at("/function/name").asText("");
                accumulated[2] += call.at("/function/arguments").asText("");
            }
        }
        assertThat(calls).hasSize(1);
        assertThat(calls.get(0)).containsExactly("call_kb", "query_knowledge_files", "{\"query\": \"VPN policy\"}");
        JsonNode sent = JSON.readTree(DIFY.lastChatRequest().body());
        assertThat(sent.get("tools")).hasSize(7).isEqualTo(JSON.readTree(toolsTurn).get("tools"));

        String resultTurn = Files.readString(Path.of("src/test/resources/openwebui/chat-stream-tool-result.json")).replace("dify-helpdesk", "vllm");
        DIFY.respondWith(FakeDify.stream(List.of(OPENAI_CHUNK.formatted("{\"content\":\"VPN tokens now expire after 90 days.\"}", "\"stop\""),
                "data: [DONE]\n\n"), Duration.ZERO));
        HttpResponse<String> answered = http.send(HttpRequest.newBuilder(uri("/v1/chat/completions")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(resultTurn)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(answered.statusCode()).as(answered.body()).isEqualTo(200);
        assertThat(OpenAiStreams.content(chunks(answered.body()))).isEqualTo("VPN tokens now expire after 90 days.");
        assertThat(answered.body()).endsWith("data: [DONE]\n\n");
        assertThat(JSON.readTree(DIFY.lastChatRequest().body()).get("messages")).isEqualTo(JSON.readTree(resultTurn).get("messages"));
    }

    /** Open WebUI's line parser (contract §A5): data lines of single-line JSON, under 128 KiB, no special keys. */
    private static void assertOpenWebUiStream(String name, String body) throws IOException {
        boolean done = false;
        StringBuilder content = new StringBuilder();
        for (String line : body.split("\n", -1)) {
            assertThat(line.getBytes(StandardCharsets.UTF_8).length).as(name + ": line size").isLessThan(128 * 1024);
            if (line.isBlank() || !line.startsWith("data:")) {
                continue;
            }
            String data = line.substring(5).strip();
            if (data.equals("[DONE]")) {
                done = true;
                continue;
            }
            assertThat(done).as(name + ": nothing after [DONE]").isFalse();
            JsonNode chunk = JSON.readTree(data);
            assertThat(chunk.has("event") || chunk.has("type") || chunk.has("selected_model_id")).as(name + ": keys Open WebUI interprets").isFalse();
            if (chunk.has("error")) {
                assertThat(chunk.path("choices").isEmpty()).isTrue();
                assertThat(chunk.at("/error/message").isTextual()).isTrue();
            } else {
                content.append(chunk.at("/choices/0/delta/content").asText(""));
            }
        }
        assertThat(done).as(name + ": ends with [DONE]").isTrue();
        assertThat(content.toString()).as(name).startsWith(ANSWER);
        assertThat(chunks(body)).isNotEmpty();
    }

    private record Result(int exitCode, String output) {
    }

    private static Result run(Path directory, Duration timeout, String... command) throws Exception {
        Process process = new ProcessBuilder(command).directory(directory.toFile()).redirectErrorStream(true).start();
        StringBuilder output = new StringBuilder();
        Thread reader = new Thread(() -> {
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                lines.lines().forEach(line -> output.append(line).append('\n'));
            } catch (IOException ignored) {
                // the process ended
            }
        });
        reader.start();
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            return new Result(-1, output + "\n(timed out)");
        }
        reader.join(5000);
        return new Result(process.exitValue(), output.toString());
    }

    private static boolean onPath(String program) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (!dir.isBlank() && Files.isExecutable(Path.of(dir, program))) {
                return true;
            }
        }
        return false;
    }
}

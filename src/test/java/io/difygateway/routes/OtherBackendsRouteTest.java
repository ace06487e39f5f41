package io.difygateway.routes;

import static io.difygateway.routes.ChatCompletionsRouteTest.assertOpenAiError;
import static io.difygateway.support.OpenAiStreams.chunks;
import static io.difygateway.support.OpenAiStreams.content;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.difygateway.support.FakeDify;
import io.difygateway.support.GatewayTestBase;
import org.junit.jupiter.api.Test;

/** The OpenAI-compatible backend and the Ollama worked example, against a fake server. */
class OtherBackendsRouteTest extends GatewayTestBase {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static String openAiChunk(String delta, String finish, String usage) {
        return "data: {\"id\":\"chatcmpl-upstream\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"meta-llama/Llama-3.1-8B-Instruct\","
                + "\"choices\":[{\"index\":0,\"delta\":" + delta + ",\"finish_reason\":" + finish + "}]"
                + (usage == null ? "" : ",\"usage\":" + usage) + "}\n\n";
    }

    private static final List<String> OPENAI_STREAM = List.of(
            openAiChunk("{\"role\":\"assistant\",\"content\":\"\"}", "null", null),
            openAiChunk("{\"reasoning_content\":\"Thinking about refunds.\"}", "null", null),
            openAiChunk("{\"content\":\"Refunds \"}", "null", null),
            openAiChunk("{\"content\":\"within 30 days.\"}", "null", null),
            openAiChunk("{}", "\"stop\"", null),
            "data: {\"id\":\"chatcmpl-upstream\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"x\",\"choices\":[],"
                    + "\"usage\":{\"prompt_tokens\":21,\"completion_tokens\":6,\"total_tokens\":27}}\n\n",
            "data: [DONE]\n\n");

    @Test
    void anOpenAiCompatibleServerGetsTheClientsRequestWithItsModelName() throws Exception {
        DIFY.respondWith(FakeDify.stream(OPENAI_STREAM, Duration.ZERO));
        HttpResponse<String> response = postJson("/v1/chat/completions", """
                {"model":"vllm","stream":true,"stream_options":{"include_usage":true},"temperature":0.2,"max_tokens":300,
                 "stop":["END"],"messages":[{"role":"system","content":"Be brief."},{"role":"user","content":"Refunds?"}]}""");
        assertThat(response.statusCode()).isEqualTo(200);
        List<JsonNode> chunks = chunks(response.body());
        assertThat(content(chunks)).isEqualTo("Refunds within 30 days.");
        assertThat(chunks.stream().map(chunk -> chunk.get("model").asText()).distinct()).containsExactly("vllm");
        assertThat(chunks.stream().map(chunk -> chunk.get("id").asText()).distinct()).hasSize(1).doesNotContain("chatcmpl-upstream");
        assertThat(chunks.get(1).at("/choices/0/delta/reasoning_content").asText()).isEqualTo("Thinking about refunds.");
        assertThat(chunks.get(chunks.size() - 1).at("/usage/total_tokens").asLong()).isEqualTo(27);
        assertThat(response.body()).endsWith("data: [DONE]\n\n");

        FakeDify.Request request = DIFY.lastChatRequest();
        assertThat(request.path()).isEqualTo("/v1/chat/completions");
        assertThat(request.header("Authorization")).isEqualTo("Bearer sk-upstream-vllm-key");
        JsonNode body = JSON.readTree(request.body());
        assertThat(body.get("model").asText()).isEqualTo("meta-llama/Llama-3.1-8B-Instruct");
        assertThat(body.get("stream").asBoolean()).isTrue();
        assertThat(body.at("/stream_options/include_usage").asBoolean()).isTrue();
        assertThat(body.get("temperature").asDouble()).isEqualTo(0.2);
        assertThat(body.get("max_tokens").asInt()).isEqualTo(300);
        assertThat(body.get("stop")).isEqualTo(JSON.readTree("[\"END\"]"));
        assertThat(body.get("messages")).hasSize(2);
        assertThat(body.get("user").asText()).isEqualTo("gateway-test-user");
    }

    /** A model's tool calls, as vLLM streams them: id and name first, the arguments in pieces, two calls in parallel. */
    private static final List<String> TOOL_CALL_STREAM = List.of(
            openAiChunk("{\"role\":\"assistant\",\"content\":null}", "null", null),
            openAiChunk("{\"tool_calls\":[{\"index\":0,\"id\":\"chatcmpl-tool-a1\",\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"arguments\":\"\"}}]}", "null", null),
            openAiChunk("{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"{\\\"city\\\": \"}}]}", "null", null),
            openAiChunk("{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"\\\"Paris\\\"}\"}}]}", "null", null),
            openAiChunk("{\"tool_calls\":[{\"index\":1,\"id\":\"chatcmpl-tool-b2\",\"type\":\"function\",\"function\":{\"name\":\"get_time\",\"arguments\":\"{}\"}}]}", "null", null),
            openAiChunk("{}", "\"tool_calls\"", null),
            "data: [DONE]\n\n");

    @Test
    void toolCallsComeBackAsOpenAiSendsThemAndTheHistoryGoesOnUnchanged() throws Exception {
        String request = """
                {"model":"vllm","stream":%s,"tool_choice":"auto","parallel_tool_calls":true,
                 "tools":[{"type":"function","function":{"name":"get_weather","parameters":{"type":"object","properties":{"city":{"type":"string"}}}}},
                          {"type":"function","function":{"name":"get_time","parameters":{"type":"object"}}}],
                 "messages":[{"role":"user","content":"Weather and time in Paris?"},
                             {"role":"assistant","content":null,"tool_calls":[{"id":"call_1","type":"function","function":{"name":"get_weather","arguments":"{}"}}]},
                             {"role":"tool","tool_call_id":"call_1","content":"sunny"},
                             {"role":"user","content":"And now?"}]}""";
        DIFY.respondWith(FakeDify.stream(TOOL_CALL_STREAM, Duration.ZERO));
        HttpResponse<String> streamed = postJson("/v1/chat/completions", request.formatted("true"));
        assertThat(streamed.statusCode()).as(streamed.body()).isEqualTo(200);
        List<JsonNode> chunks = chunks(streamed.body());
        List<JsonNode> calls = chunks.stream().filter(chunk -> chunk.at("/choices/0/delta/tool_calls").isArray())
                .map(chunk -> chunk.at("/choices/0/delta/tool_calls/0")).toList();
        assertThat(calls.get(0)).isEqualTo(JSON.readTree(
                "{\"index\":0,\"id\":\"chatcmpl-tool-a1\",\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"arguments\":\"\"}}"));
        assertThat(calls.stream().filter(call -> call.get("index").asInt() == 0).map(call -> call.at("/function/arguments").asText())
                .reduce("", String::concat)).isEqualTo("{\"city\": \"Paris\"}");
        assertThat(calls.get(calls.size() - 1).at("/function/name").asText()).isEqualTo("get_time");
        assertThat(calls.get(calls.size() - 1).get("index").asInt()).isEqualTo(1);
        assertThat(chunks.stream().filter(chunk -> chunk.at("/choices/0/finish_reason").isTextual())
                .map(chunk -> chunk.at("/choices/0/finish_reason").asText())).containsExactly("tool_calls");
        JsonNode sent = JSON.readTree(DIFY.lastChatRequest().body());
        JsonNode asked = JSON.readTree(request.formatted("true"));
        assertThat(sent.get("tools")).isEqualTo(asked.get("tools"));
        assertThat(sent.get("tool_choice").asText()).isEqualTo("auto");
        assertThat(sent.get("parallel_tool_calls").asBoolean()).isTrue();
        assertThat(sent.get("messages")).isEqualTo(asked.get("messages"));

        DIFY.respondWith(FakeDify.stream(TOOL_CALL_STREAM, Duration.ZERO));
        JsonNode message = JSON.readTree(postJson("/v1/chat/completions", request.formatted("false")).body()).at("/choices/0");
        assertThat(message.at("/message/content").isNull()).isTrue();
        assertThat(message.at("/message/tool_calls")).isEqualTo(JSON.readTree("""
                [{"id":"chatcmpl-tool-a1","type":"function","function":{"name":"get_weather","arguments":"{\\"city\\": \\"Paris\\"}"}},
                 {"id":"chatcmpl-tool-b2","type":"function","function":{"name":"get_time","arguments":"{}"}}]"""));
        assertThat(message.get("finish_reason").asText()).isEqualTo("tool_calls");
    }

    @Test
    void ollamaGetsTheToolsAndTheHistoryInItsShapeAndItsToolCallsComeBack() throws Exception {
        List<String> lines = Files.readAllLines(Path.of("src/test/resources/transcripts/ollama/chat-tool-calls.ndjson")).stream()
                .map(line -> line + "\n").toList();
        DIFY.respondWith(FakeDify.stream(lines, Duration.ZERO, "application/x-ndjson"));
        JsonNode completion = JSON.readTree(postJson("/v1/chat/completions", """
                {"model":"local","tools":[{"type":"function","function":{"name":"get_weather","parameters":{"type":"object"}}}],
                 "messages":[{"role":"user","content":"Weather in Paris?"},
                             {"role":"assistant","content":"","tool_calls":[{"id":"call_7","type":"function","function":{"name":"get_weather","arguments":"{\\"city\\":\\"Paris\\"}"}}]},
                             {"role":"tool","tool_call_id":"call_7","content":"18 °C"},
                             {"role":"user","content":"And the time?"}]}""").body());
        assertThat(completion.at("/choices/0/message/tool_calls/0/function/name").asText()).isEqualTo("get_weather");
        assertThat(JSON.readTree(completion.at("/choices/0/message/tool_calls/0/function/arguments").asText()))
                .isEqualTo(JSON.readTree("{\"city\":\"Paris\",\"unit\":\"celsius\"}"));
        assertThat(completion.at("/choices/0/message/tool_calls/1/function/name").asText()).isEqualTo("get_time");
        assertThat(completion.at("/choices/0/finish_reason").asText()).as("Ollama ends a tool turn with done_reason stop").isEqualTo("tool_calls");
        JsonNode sent = JSON.readTree(DIFY.lastChatRequest().body());
        assertThat(sent.at("/tools/0/function/name").asText()).isEqualTo("get_weather");
        assertThat(sent.get("messages")).isEqualTo(JSON.readTree("""
                [{"role":"user","content":"Weather in Paris?"},
                 {"role":"assistant","content":"","tool_calls":[{"function":{"name":"get_weather","arguments":{"city":"Paris"}}}]},
                 {"role":"tool","content":"18 °C","tool_name":"get_weather"},
                 {"role":"user","content":"And the time?"}]"""));
    }

    @Test
    void aNonStreamedRequestIsAggregatedAndALengthFinishIsKept() throws Exception {
        DIFY.respondWith(FakeDify.stream(List.of(openAiChunk("{\"content\":\"Cut\"}", "null", null),
                openAiChunk("{}", "\"length\"", null), "data: [DONE]\n\n"), Duration.ZERO));
        JsonNode completion = JSON.readTree(postJson("/v1/chat/completions", chat("vllm", false, "hi")).body());
        assertThat(completion.at("/choices/0/message/content").asText()).isEqualTo("Cut");
        assertThat(completion.at("/choices/0/finish_reason").asText()).isEqualTo("length");
    }

    @Test
    void upstreamErrorsAreOpenAiErrors() throws Exception {
        DIFY.respondWith(FakeDify.error(400, "{\"error\":{\"message\":\"max_tokens is too large\",\"type\":\"invalid_request_error\",\"param\":\"max_tokens\",\"code\":null}}",
                Map.of()));
        assertOpenAiError(postJson("/v1/chat/completions", chat("vllm", true, "hi")), 400, "invalid_request_error", "max_tokens is too large");
        DIFY.respondWith(FakeDify.error(401, "{\"error\":{\"message\":\"Incorrect API key\",\"type\":\"invalid_request_error\",\"code\":\"invalid_api_key\"}}",
                Map.of()));
        HttpResponse<String> unauthorized = postJson("/v1/chat/completions", chat("vllm", false, "hi"));
        assertOpenAiError(unauthorized, 502, "upstream_auth_failed", "model 'vllm'");
        assertThat(unauthorized.body()).doesNotContain("sk-upstream-vllm-key");
        DIFY.respondWith(FakeDify.stream(List.of(openAiChunk("{\"content\":\"Partial\"}", "null", null),
                "data: {\"error\":{\"message\":\"CUDA out of memory\",\"type\":\"server_error\",\"code\":null}}\n\n"), Duration.ZERO));
        HttpResponse<String> midway = postJson("/v1/chat/completions", chat("vllm", true, "hi"));
        List<JsonNode> chunks = chunks(midway.body());
        assertThat(chunks.get(chunks.size() - 1).at("/error/message").asText()).contains("CUDA out of memory");
        assertThat(midway.body()).endsWith("data: [DONE]\n\n");
    }

    @Test
    void anOllamaCallWithoutAnswerTimesOutAtTheModelsDeadline() throws Exception {
        DIFY.respondWith(FakeDify.silence(Duration.ofSeconds(8)));
        long start = System.nanoTime();
        HttpResponse<String> response = postJson("/v1/chat/completions", chat("local", false, "hi"));
        assertThat(response.statusCode()).isEqualTo(504);
        assertThat(JSON.readTree(response.body()).at("/error/code").asText()).isEqualTo("upstream_timeout");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(5000));
    }

    @Test
    void aClientThatLeavesDropsTheUpstreamConnection() throws Exception {
        DIFY.respondWith(FakeDify.stream(IntStream.range(0, 200).mapToObj(i -> openAiChunk("{\"content\":\"t" + i + " \"}", "null", null)).toList(),
                Duration.ofMillis(50)));
        String body = chat("vllm", true, "Tell me a story");
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.getOutputStream().write(("POST /v1/chat/completions HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                    + "Content-Length: " + body.length() + "\r\n\r\n" + body).getBytes(StandardCharsets.UTF_8));
            BufferedReader reader = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            int seen = 0;
            String line;
            while (seen < 3 && (line = reader.readLine()) != null) {
                if (line.contains("\"content\":\"t")) {
                    seen++;
                }
            }
        }
        assertThat(DIFY.awaitWriteFailure(Duration.ofSeconds(5))).isTrue();
        assertThat(DIFY.framesWritten()).isLessThan(100);
    }

    @Test
    void ollamasNativeStreamIsTranslatedByTheYamlOnlyBackend() throws Exception {
        List<String> lines = Files.readAllLines(Path.of("src/test/resources/transcripts/ollama/chat.ndjson")).stream()
                .map(line -> line + "\n").toList();
        DIFY.respondWith(FakeDify.stream(lines, Duration.ofMillis(5), "application/x-ndjson"));
        HttpResponse<String> response = postJson("/v1/chat/completions", """
                {"model":"local","stream":true,"stream_options":{"include_usage":true},
                 "messages":[{"role":"user","content":[{"type":"text","text":"Refunds?"}]}]}""");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        List<JsonNode> chunks = chunks(response.body());
        assertThat(content(chunks)).isEqualTo("Annual plans get a full refund within 30 days — prorated after.");
        assertThat(chunks.get(chunks.size() - 1).at("/usage/prompt_tokens").asLong()).isEqualTo(31);
        assertThat(chunks.get(chunks.size() - 1).at("/usage/completion_tokens").asLong()).isEqualTo(14);

        FakeDify.Request request = DIFY.lastChatRequest();
        assertThat(request.path()).isEqualTo("/api/chat");
        assertThat(request.header("Authorization")).as("the model has no key").isNull();
        assertThat(JSON.readTree(request.body())).isEqualTo(JSON.readTree(
                "{\"model\":\"llama3.2\",\"messages\":[{\"role\":\"user\",\"content\":\"Refunds?\"}],\"stream\":true}"));
    }

    @Test
    void ollamaErrorsAreOpenAiErrors() throws Exception {
        DIFY.respondWith(FakeDify.error(404, "{\"error\":\"model \\\"llama3.2\\\" not found, try pulling it first\"}", Map.of()));
        assertOpenAiError(postJson("/v1/chat/completions", chat("local", false, "hi")), 404, null, "try pulling it first");
        DIFY.respondWith(FakeDify.stream(List.of("{\"message\":{\"content\":\"Half\"},\"done\":false}\n",
                "{\"error\":\"an unknown error was encountered while running the model\"}\n"), Duration.ZERO, "application/x-ndjson"));
        HttpResponse<String> midway = postJson("/v1/chat/completions", chat("local", true, "hi"));
        List<JsonNode> chunks = chunks(midway.body());
        assertThat(content(chunks)).isEqualTo("Half");
        assertThat(chunks.get(chunks.size() - 1).at("/error/message").asText()).contains("unknown error was encountered");
    }
}

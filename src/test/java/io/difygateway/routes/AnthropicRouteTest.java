package io.difygateway.routes;

import static io.difygateway.routes.ChatCompletionsRouteTest.assertOpenAiError;
import static io.difygateway.support.OpenAiStreams.chunks;
import static io.difygateway.support.OpenAiStreams.content;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.difygateway.support.FakeDify;
import io.difygateway.support.GatewayTestBase;
import org.junit.jupiter.api.Test;

/**
 * The YAML-only Anthropic backend (routes/backends/anthropic.camel.yaml) against a fake Messages API that checks the
 * headers as Anthropic does: models {@code claude} (default options) and {@code claude-tuned} (its own).
 */
class AnthropicRouteTest extends GatewayTestBase {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path TRANSCRIPTS = Path.of("src/test/resources/transcripts/anthropic");
    private static final String WRONG_KEY = "{\"type\":\"error\",\"error\":{\"type\":\"authentication_error\",\"message\":\"invalid x-api-key\"}}";

    /** Anthropic's answer to a request with the test key and this version: the transcript, else a 401 or 400 error. */
    private static FakeDify.Responder anthropic(String version, FakeDify.Responder answer) {
        return FakeDify.requireHeaders(Map.of("x-api-key", "sk-ant-test-key"), 401, WRONG_KEY,
                FakeDify.requireHeaders(Map.of("anthropic-version", version), 400,
                        "{\"type\":\"error\",\"error\":{\"type\":\"invalid_request_error\",\"message\":\"anthropic-version: header is required\"}}",
                        answer));
    }

    private static FakeDify.Responder transcript(String name) throws IOException {
        return FakeDify.transcript(TRANSCRIPTS.resolve(name), Duration.ofMillis(2));
    }

    @Test
    void aStreamedAnswerWithThinkingBecomesReasoningTextAndMergedUsage() throws Exception {
        DIFY.respondWith(anthropic("2023-06-01", transcript("messages-thinking.sse")));
        HttpResponse<String> response = postJson("/v1/chat/completions", """
                {"model":"claude","stream":true,"stream_options":{"include_usage":true},"temperature":0.2,"top_p":0.9,"stop":"END",
                 "messages":[{"role":"system","content":"Be brief."},{"role":"developer","content":"Answer in English."},
                             {"role":"user","content":"Refunds?"},{"role":"assistant","content":"For which plan?"},
                             {"role":"user","content":"Annual."}]}""");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        List<JsonNode> chunks = chunks(response.body());
        assertThat(content(chunks)).isEqualTo("Annual plans get a full refund within 30 days — prorated after. Grüße! 👋");
        assertThat(chunks.stream().map(chunk -> chunk.at("/choices/0/delta/reasoning_content").asText("")).reduce("", String::concat))
                .isEqualTo("The customer asks about refunds on an annual plan. Policy: full refund within 30 days, prorated after.");
        JsonNode usage = chunks.get(chunks.size() - 1).get("usage");
        assertThat(usage.get("prompt_tokens").asLong()).as("from message_start, kept when message_delta leaves it out").isEqualTo(412);
        assertThat(usage.get("completion_tokens").asLong()).as("from message_delta").isEqualTo(87);
        assertThat(usage.get("total_tokens").asLong()).isEqualTo(499);
        assertThat(chunks.stream().filter(chunk -> chunk.at("/choices/0/finish_reason").isTextual()).map(chunk -> chunk.at("/choices/0/finish_reason").asText()))
                .containsExactly("stop");
        assertThat(response.body()).endsWith("data: [DONE]\n\n");

        FakeDify.Request request = DIFY.lastChatRequest();
        assertThat(request.path()).isEqualTo("/v1/messages");
        assertThat(request.header("Authorization")).as("the key goes in x-api-key only").isNull();
        assertThat(JSON.readTree(request.body())).isEqualTo(JSON.readTree("""
                {"model":"claude-sonnet-4-5","system":"Be brief.\\n\\nAnswer in English.","max_tokens":4096,"temperature":0.2,"top_p":0.9,
                 "stop_sequences":["END"],"messages":[{"role":"user","content":"Refunds?"},{"role":"assistant","content":"For which plan?"},
                 {"role":"user","content":"Annual."}],"stream":true}"""));
    }

    @Test
    void aNonStreamedAnswerCutAtMaxTokensEndsWithLengthAndTheModelsOptionsApply() throws Exception {
        DIFY.respondWith(anthropic("2023-01-01", transcript("messages-max-tokens.sse")));
        JsonNode completion = JSON.readTree(postJson("/v1/chat/completions", chat("claude-tuned", false, "Explain the policy")).body());
        assertThat(completion.at("/choices/0/message/content").asText()).isEqualTo("The refund policy has three parts: first,");
        assertThat(completion.at("/choices/0/finish_reason").asText()).isEqualTo("length");
        assertThat(completion.at("/usage/prompt_tokens").asLong()).isEqualTo(25);
        assertThat(completion.at("/usage/completion_tokens").asLong()).isEqualTo(10);
        JsonNode body = JSON.readTree(DIFY.lastChatRequest().body());
        assertThat(body.get("model").asText()).isEqualTo("claude-haiku-4-5");
        assertThat(body.get("max_tokens").asInt()).as("options.max-tokens, as the request names none").isEqualTo(1024);
        assertThat(body.has("system")).as("no system message, no system field").isFalse();

        DIFY.respondWith(anthropic("2023-01-01", transcript("messages-max-tokens.sse")));
        postJson("/v1/chat/completions", """
                {"model":"claude-tuned","max_completion_tokens":77,"messages":[{"role":"user","content":"hi"}]}""");
        assertThat(JSON.readTree(DIFY.lastChatRequest().body()).get("max_tokens").asInt()).as("the request's own limit").isEqualTo(77);
    }

    @Test
    void anthropicsHttpErrorsAreOpenAiErrors() throws Exception {
        DIFY.respondWith(FakeDify.error(400, "{\"type\":\"error\",\"error\":{\"type\":\"invalid_request_error\",\"message\":\"temperature: range: 0..1\"}}", Map.of()));
        assertOpenAiError(postJson("/v1/chat/completions", chat("claude", true, "hi")), 400, "invalid_request_error", "temperature: range: 0..1");

        aWrongKeyIsTheGatewaysProblem();

        DIFY.respondWith(FakeDify.error(429, "{\"type\":\"error\",\"error\":{\"type\":\"rate_limit_error\",\"message\":\"Number of request tokens has exceeded your per-minute rate limit\"}}",
                Map.of("retry-after", "17")));
        HttpResponse<String> limited = postJson("/v1/chat/completions", chat("claude", false, "hi"));
        assertOpenAiError(limited, 429, "rate_limit_exceeded", "per-minute rate limit");
        assertThat(limited.headers().firstValue("Retry-After")).hasValue("17");

        DIFY.respondWith(FakeDify.error(529, "{\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}", Map.of()));
        assertOpenAiError(postJson("/v1/chat/completions", chat("claude", true, "hi")), 503, "overloaded_error", "is overloaded: Overloaded");

        DIFY.respondWith(FakeDify.error(500, "{\"type\":\"error\",\"error\":{\"type\":\"api_error\",\"message\":\"Internal server error\"}}", Map.of()));
        assertOpenAiError(postJson("/v1/chat/completions", chat("claude", false, "hi")), 502, "api_error", "Internal server error");
    }

    /** The fake refuses another key with Anthropic's 401, which the client sees as the gateway's key problem, never the key. */
    private void aWrongKeyIsTheGatewaysProblem() throws Exception {
        DIFY.respondWith(FakeDify.requireHeaders(Map.of("x-api-key", "another-key"), 401, WRONG_KEY, FakeDify.stream(List.of(), Duration.ZERO)));
        HttpResponse<String> refused = postJson("/v1/chat/completions", chat("claude", false, "hi"));
        assertOpenAiError(refused, 502, "upstream_auth_failed", "Check the api-key configured for model 'claude'");
        assertThat(refused.body()).doesNotContain("sk-ant-test-key");
    }

    @Test
    void toolsAndTheToolHistoryGoInAnthropicsShapeAndToolUseComesBackAsToolCalls() throws Exception {
        DIFY.respondWith(anthropic("2023-06-01", transcript("messages-tool-use.sse")));
        HttpResponse<String> response = postJson("/v1/chat/completions", """
                {"model":"claude","stream":true,"tool_choice":"required","parallel_tool_calls":false,
                 "tools":[{"type":"function","function":{"name":"get_weather","description":"Weather now",
                           "parameters":{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}}}],
                 "messages":[{"role":"user","content":"Weather in Paris and Rome?"},
                             {"role":"assistant","content":"Checking.","tool_calls":[
                               {"id":"toolu_a","type":"function","function":{"name":"get_weather","arguments":"{\\"city\\":\\"Paris\\"}"}},
                               {"id":"toolu_b","type":"function","function":{"name":"get_weather","arguments":"{\\"city\\":\\"Rome\\"}"}}]},
                             {"role":"tool","tool_call_id":"toolu_a","content":"18 °C"},
                             {"role":"tool","tool_call_id":"toolu_b","content":"24 °C"},
                             {"role":"user","content":"And San Francisco and Zürich?"}]}""");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        List<JsonNode> chunks = chunks(response.body());
        List<JsonNode> calls = chunks.stream().filter(chunk -> chunk.at("/choices/0/delta/tool_calls").isArray())
                .map(chunk -> chunk.at("/choices/0/delta/tool_calls/0")).toList();
        assertThat(calls.stream().filter(call -> call.has("id")).map(call -> call.get("id").asText()))
                .containsExactly("toolu_01T1x1fJ34qAmk2tNTrN7Up6", "toolu_01HJ4wMDJJ7FHJ8iJKMAXmqS");
        assertThat(calls.stream().filter(call -> call.get("index").asInt() == 1).map(call -> call.at("/function/arguments").asText())
                .reduce("", String::concat)).as("content block 2 is the second tool call").isEqualTo("{\"city\": \"Zürich\"}");
        assertThat(chunks.stream().filter(chunk -> chunk.at("/choices/0/finish_reason").isTextual())
                .map(chunk -> chunk.at("/choices/0/finish_reason").asText())).containsExactly("tool_calls");

        JsonNode sent = JSON.readTree(DIFY.lastChatRequest().body());
        assertThat(sent.get("tools")).isEqualTo(JSON.readTree("""
                [{"name":"get_weather","description":"Weather now",
                  "input_schema":{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}}]"""));
        assertThat(sent.get("tool_choice")).isEqualTo(JSON.readTree("{\"type\":\"any\",\"disable_parallel_tool_use\":true}"));
        assertThat(sent.get("messages")).isEqualTo(JSON.readTree("""
                [{"role":"user","content":"Weather in Paris and Rome?"},
                 {"role":"assistant","content":[{"type":"text","text":"Checking."},
                   {"type":"tool_use","id":"toolu_a","name":"get_weather","input":{"city":"Paris"}},
                   {"type":"tool_use","id":"toolu_b","name":"get_weather","input":{"city":"Rome"}}]},
                 {"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_a","content":"18 °C"},
                                           {"type":"tool_result","tool_use_id":"toolu_b","content":"24 °C"}]},
                 {"role":"user","content":"And San Francisco and Zürich?"}]"""));
    }

    @Test
    void anErrorEventInTheStreamEndsItWithAnErrorChunk() throws Exception {
        DIFY.respondWith(anthropic("2023-06-01", transcript("messages-overloaded-midway.sse")));
        HttpResponse<String> response = postJson("/v1/chat/completions", chat("claude", true, "hi"));
        assertThat(response.statusCode()).isEqualTo(200);
        List<JsonNode> chunks = chunks(response.body());
        assertThat(content(chunks)).isEqualTo("Annual plans");
        JsonNode error = chunks.get(chunks.size() - 1).get("error");
        assertThat(error.get("code").asText()).isEqualTo("overloaded_error");
        assertThat(error.get("message").asText()).contains("Overloaded");
        assertThat(response.body()).endsWith("data: [DONE]\n\n");

        DIFY.respondWith(anthropic("2023-06-01", transcript("messages-overloaded-midway.sse")));
        HttpResponse<String> aggregated = postJson("/v1/chat/completions", chat("claude", false, "hi"));
        assertOpenAiError(aggregated, 502, "overloaded_error", "Overloaded");
    }
}

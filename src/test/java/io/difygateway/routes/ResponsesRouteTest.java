package io.difygateway.routes;

import static io.difygateway.routes.ChatCompletionsRouteTest.assertOpenAiError;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.difygateway.support.FakeDify;
import io.difygateway.support.GatewayTestBase;
import io.difygateway.support.OpenAiSchemas;
import org.junit.jupiter.api.Test;

/**
 * POST /v1/responses over the Dify and OpenAI-compatible backends, GET and DELETE of stored responses: every event and
 * body validated against OpenAI's own schemas ({@link OpenAiSchemas}).
 */
class ResponsesRouteTest extends GatewayTestBase {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path DIFY_TRANSCRIPTS = Path.of("src/test/resources/transcripts/dify");
    private static final String ANSWER = "Annual plans can be refunded in full within 30 days";

    /** The events of a streamed response: (event line, data), checked against ResponseStreamEvent one by one. */
    private static List<JsonNode> events(String body) throws Exception {
        List<JsonNode> events = new ArrayList<>();
        for (String frame : body.split("\n\n")) {
            if (frame.isBlank() || frame.startsWith(":")) {
                continue;
            }
            String[] lines = frame.split("\n");
            assertThat(lines[0]).startsWith("event: ");
            assertThat(lines[1]).startsWith("data: ");
            JsonNode data = JSON.readTree(lines[1].substring(6));
            assertThat(data.get("type").asText()).isEqualTo(lines[0].substring(7));
            assertThat(OpenAiSchemas.problems("ResponseStreamEvent", data)).as(data.toString()).isEmpty();
            events.add(data);
        }
        for (int i = 0; i < events.size(); i++) {
            assertThat(events.get(i).get("sequence_number").asInt()).isEqualTo(i);
        }
        return events;
    }

    private static List<String> types(List<JsonNode> events) {
        return events.stream().map(event -> event.get("type").asText()).toList();
    }

    @Test
    void aStreamedDifyAnswerIsASequenceOfResponseEventsEndingCompleted() throws Exception {
        DIFY.respondWith(FakeDify.transcript(DIFY_TRANSCRIPTS.resolve("agent-chat-tool-call.sse"), Duration.ofMillis(1)));
        HttpResponse<String> response = postJson("/v1/responses",
                "{\"model\":\"agent\",\"stream\":true,\"instructions\":\"Be brief.\",\"input\":\"Weather in Paris?\"}");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith("text/event-stream"));
        List<JsonNode> events = events(response.body());
        List<String> types = types(events);
        assertThat(types.subList(0, 2)).containsExactly("response.created", "response.in_progress");
        assertThat(types).containsSubsequence("response.output_item.added", "response.reasoning_summary_part.added",
                "response.reasoning_summary_text.delta", "response.reasoning_summary_text.done", "response.reasoning_summary_part.done",
                "response.output_item.done", "response.output_item.added", "response.content_part.added", "response.output_text.delta",
                "response.output_text.done", "response.content_part.done", "response.output_item.done", "response.completed");
        assertThat(types.get(types.size() - 1)).isEqualTo("response.completed");
        JsonNode completed = events.get(events.size() - 1).get("response");
        assertThat(OpenAiSchemas.problems("Response", completed)).isEmpty();
        assertThat(completed.get("status").asText()).isEqualTo("completed");
        assertThat(completed.get("instructions").asText()).isEqualTo("Be brief.");
        JsonNode message = completed.get("output").get(completed.get("output").size() - 1);
        String deltas = events.stream().filter(event -> "response.output_text.delta".equals(event.get("type").asText()))
                .map(event -> event.get("delta").asText()).reduce("", String::concat);
        assertThat(message.at("/content/0/text").asText()).isEqualTo(deltas).isNotEmpty();
        assertThat(completed.at("/usage/total_tokens").asLong()).isPositive();
        assertThat(DIFY.lastChatRequest().body()).contains("Weather in Paris?");
    }

    @Test
    void aNonStreamedResponseIsStoredContinuedByPreviousResponseIdInTheSameDifyConversationAndDeletable() throws Exception {
        DIFY.respondWith(FakeDify.transcript(DIFY_TRANSCRIPTS.resolve("chat-basic.sse"), Duration.ZERO));
        HttpResponse<String> first = postJson("/v1/responses", "{\"model\":\"helpdesk\",\"input\":\"Refunds?\",\"metadata\":{\"ticket\":\"42\"}}");
        assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
        JsonNode body = JSON.readTree(first.body());
        assertThat(OpenAiSchemas.problems("Response", body)).isEmpty();
        assertThat(body.get("object").asText()).isEqualTo("response");
        assertThat(body.at("/output/0/content/0/text").asText()).startsWith(ANSWER);
        assertThat(body.at("/metadata/ticket").asText()).isEqualTo("42");
        String id = body.get("id").asText();
        assertThat(id).startsWith("resp_");
        String difyConversation = JSON.readTree(DIFY.lastChatRequest().body()).path("conversation_id").asText("");

        HttpResponse<String> fetched = get("/v1/responses/" + id);
        assertThat(fetched.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(fetched.body())).isEqualTo(body);

        DIFY.respondWith(FakeDify.transcript(DIFY_TRANSCRIPTS.resolve("chat-basic.sse"), Duration.ZERO));
        HttpResponse<String> second = postJson("/v1/responses",
                "{\"model\":\"helpdesk\",\"previous_response_id\":\"" + id + "\",\"input\":\"And monthly plans?\"}");
        assertThat(second.statusCode()).as(second.body()).isEqualTo(200);
        JsonNode continued = JSON.readTree(DIFY.lastChatRequest().body());
        assertThat(difyConversation).as("the first turn started a conversation").isEmpty();
        assertThat(continued.get("conversation_id").asText()).as("the stored response's Dify conversation, exactly")
                .isEqualTo("8f1c6e2a-4b7d-4c1e-9a3f-2d5b7e9c1a40");
        assertThat(continued.get("query").asText()).isEqualTo("And monthly plans?");
        assertThat(JSON.readTree(second.body()).get("previous_response_id").asText()).isEqualTo(id);

        HttpResponse<String> deleted = http.send(HttpRequest.newBuilder(uri("/v1/responses/" + id)).DELETE().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(JSON.readTree(deleted.body())).isEqualTo(JSON.readTree("{\"id\":\"" + id + "\",\"object\":\"response.deleted\",\"deleted\":true}"));
        assertOpenAiError(get("/v1/responses/" + id), 404, "response_not_found", id);
        assertOpenAiError(postJson("/v1/responses", "{\"model\":\"helpdesk\",\"previous_response_id\":\"" + id + "\",\"input\":\"x\"}"),
                400, "previous_response_not_found", id);
    }

    @Test
    void aFunctionToolRoundTripOnAnOpenAiCompatibleBackendAndStoreFalse() throws Exception {
        DIFY.respondWith(FakeDify.stream(List.of(
                "data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"x\",\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":"
                        + "[{\"index\":0,\"id\":\"call_w1\",\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"arguments\":\"{\\\"city\\\":\"}}]},\"finish_reason\":null}]}\n\n",
                "data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"x\",\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":"
                        + "[{\"index\":0,\"function\":{\"arguments\":\"\\\"Paris\\\"}\"}}]},\"finish_reason\":\"tool_calls\"}]}\n\n",
                "data: [DONE]\n\n"), Duration.ZERO));
        String tools = "\"tools\":[{\"type\":\"function\",\"name\":\"get_weather\",\"parameters\":{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}}}}]";
        HttpResponse<String> streamed = postJson("/v1/responses", "{\"model\":\"vllm\",\"stream\":true,\"store\":false," + tools + ",\"input\":\"Weather in Paris?\"}");
        List<JsonNode> events = events(streamed.body());
        assertThat(types(events)).containsSubsequence("response.output_item.added", "response.function_call_arguments.delta",
                "response.function_call_arguments.done", "response.output_item.done", "response.completed");
        JsonNode call = events.get(events.size() - 1).at("/response/output/0");
        assertThat(call.get("type").asText()).isEqualTo("function_call");
        assertThat(call.get("call_id").asText()).isEqualTo("call_w1");
        assertThat(call.get("arguments").asText()).isEqualTo("{\"city\":\"Paris\"}");
        JsonNode sent = JSON.readTree(DIFY.lastChatRequest().body());
        assertThat(sent.at("/tools/0/function/name").asText()).isEqualTo("get_weather");
        assertOpenAiError(get("/v1/responses/" + events.get(0).at("/response/id").asText()), 404, "response_not_found", "No response");

        DIFY.respondWith(FakeDify.stream(List.of(
                "data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"x\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"18 °C in Paris.\"},\"finish_reason\":\"stop\"}]}\n\n",
                "data: [DONE]\n\n"), Duration.ZERO));
        HttpResponse<String> answered = postJson("/v1/responses", "{\"model\":\"vllm\"," + tools + ",\"input\":["
                + "{\"role\":\"user\",\"content\":\"Weather in Paris?\"},"
                + "{\"type\":\"function_call\",\"call_id\":\"call_w1\",\"name\":\"get_weather\",\"arguments\":\"{\\\"city\\\":\\\"Paris\\\"}\"},"
                + "{\"type\":\"function_call_output\",\"call_id\":\"call_w1\",\"output\":\"18 °C\"}]}");
        assertThat(answered.statusCode()).as(answered.body()).isEqualTo(200);
        assertThat(JSON.readTree(answered.body()).at("/output/0/content/0/text").asText()).isEqualTo("18 °C in Paris.");
        assertThat(JSON.readTree(DIFY.lastChatRequest().body()).get("messages")).isEqualTo(JSON.readTree("""
                [{"role":"user","content":"Weather in Paris?"},
                 {"role":"assistant","content":null,"tool_calls":[{"id":"call_w1","type":"function","function":{"name":"get_weather","arguments":"{\\"city\\":\\"Paris\\"}"}}]},
                 {"role":"tool","tool_call_id":"call_w1","content":"18 °C"}]"""));
    }

    @Test
    void aFailureInTheStreamIsResponseFailedAndALengthFinishIsIncomplete() throws Exception {
        DIFY.respondWith(FakeDify.transcript(DIFY_TRANSCRIPTS.resolve("chat-error-midway.sse"), Duration.ZERO));
        List<JsonNode> failed = events(postJson("/v1/responses", "{\"model\":\"helpdesk\",\"stream\":true,\"input\":\"Refunds?\"}").body());
        JsonNode last = failed.get(failed.size() - 1);
        assertThat(last.get("type").asText()).isEqualTo("response.failed");
        assertThat(last.at("/response/status").asText()).isEqualTo("failed");
        assertThat(last.at("/response/error/message").asText()).isNotBlank();
        assertThat(OpenAiSchemas.problems("Response", last.get("response"))).isEmpty();

        DIFY.respondWith(FakeDify.stream(List.of(
                "data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"x\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Cut\"},\"finish_reason\":\"length\"}]}\n\n",
                "data: [DONE]\n\n"), Duration.ZERO));
        HttpResponse<String> cut = postJson("/v1/responses", "{\"model\":\"vllm\",\"max_output_tokens\":1,\"input\":\"Explain\"}");
        JsonNode incomplete = JSON.readTree(cut.body());
        assertThat(OpenAiSchemas.problems("Response", incomplete)).isEmpty();
        assertThat(incomplete.get("status").asText()).isEqualTo("incomplete");
        assertThat(incomplete.at("/incomplete_details/reason").asText()).isEqualTo("max_output_tokens");
        assertThat(JSON.readTree(DIFY.lastChatRequest().body()).get("max_tokens").asInt()).isEqualTo(1);

        DIFY.respondWith(FakeDify.error(401, "{\"code\":\"unauthorized\",\"message\":\"Access token is invalid\",\"status\":401}", java.util.Map.of()));
        assertOpenAiError(postJson("/v1/responses", "{\"model\":\"helpdesk\",\"stream\":true,\"input\":\"x\"}"), 502, "upstream_auth_failed", "helpdesk");
    }

    @Test
    void whatNoBackendCanDoIsA400NamingTheField() throws Exception {
        assertOpenAiError(postJson("/v1/responses", "{\"model\":\"vllm\",\"tools\":[{\"type\":\"web_search\"}],\"input\":\"x\"}"),
                400, "invalid_value", "Tools of type 'web_search' are not supported");
        assertOpenAiError(postJson("/v1/responses", "{\"model\":\"vllm\",\"background\":true,\"input\":\"x\"}"), 400, "invalid_value", "Background");
        assertOpenAiError(postJson("/v1/responses", "{\"model\":\"vllm\",\"input\":[{\"type\":\"item_reference\",\"id\":\"x\"}]}"),
                400, "invalid_value", "'item_reference' are not supported");
        assertOpenAiError(postJson("/v1/responses", "{\"model\":\"vllm\"}"), 400, "invalid_value", "input");
        assertOpenAiError(postJson("/v1/responses", "{\"model\":\"nosuch\",\"input\":\"x\"}"), 404, "model_not_found", "nosuch");
    }
}

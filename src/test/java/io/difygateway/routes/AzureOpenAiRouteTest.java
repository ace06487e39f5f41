package io.difygateway.routes;

import static io.difygateway.routes.ChatCompletionsRouteTest.assertOpenAiError;
import static io.difygateway.support.OpenAiStreams.chunks;
import static io.difygateway.support.OpenAiStreams.content;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.difygateway.support.FakeDify;
import io.difygateway.support.GatewayTestBase;
import org.junit.jupiter.api.Test;

/**
 * The Azure OpenAI backend (routes/backends/azure-openai.camel.yaml) against a fake deployment that wants its key in
 * api-key: models {@code azure} (deployment from upstream-model, its own api-version) and {@code azure-prod} (deployment
 * from options, the default api-version).
 */
class AzureOpenAiRouteTest extends GatewayTestBase {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** An Azure stream: the prompt's filter results first (no choices), then chunks with content-filter results. */
    private static final List<String> AZURE_STREAM = List.of(
            "data: {\"choices\":[],\"created\":0,\"id\":\"\",\"model\":\"\",\"object\":\"\",\"prompt_filter_results\":[{\"prompt_index\":0,"
                    + "\"content_filter_results\":{\"hate\":{\"filtered\":false,\"severity\":\"safe\"}}}]}\n\n",
            "data: {\"choices\":[{\"content_filter_results\":{},\"delta\":{\"content\":\"\",\"role\":\"assistant\"},\"finish_reason\":null,\"index\":0}],"
                    + "\"created\":1733400000,\"id\":\"chatcmpl-azure\",\"model\":\"gpt-4o-2024-11-20\",\"object\":\"chat.completion.chunk\"}\n\n",
            "data: {\"choices\":[{\"content_filter_results\":{\"hate\":{\"filtered\":false,\"severity\":\"safe\"}},\"delta\":{\"content\":\"Refunds within \"},"
                    + "\"finish_reason\":null,\"index\":0}],\"created\":1733400000,\"id\":\"chatcmpl-azure\",\"model\":\"gpt-4o-2024-11-20\",\"object\":\"chat.completion.chunk\"}\n\n",
            "data: {\"choices\":[{\"content_filter_results\":{},\"delta\":{\"content\":\"30 days.\"},\"finish_reason\":null,\"index\":0}],"
                    + "\"created\":1733400000,\"id\":\"chatcmpl-azure\",\"model\":\"gpt-4o-2024-11-20\",\"object\":\"chat.completion.chunk\"}\n\n",
            "data: {\"choices\":[{\"content_filter_results\":{},\"delta\":{},\"finish_reason\":\"stop\",\"index\":0}],\"created\":1733400000,"
                    + "\"id\":\"chatcmpl-azure\",\"model\":\"gpt-4o-2024-11-20\",\"object\":\"chat.completion.chunk\"}\n\n",
            "data: {\"choices\":[],\"created\":1733400000,\"id\":\"chatcmpl-azure\",\"model\":\"gpt-4o-2024-11-20\",\"object\":\"chat.completion.chunk\","
                    + "\"usage\":{\"completion_tokens\":6,\"prompt_tokens\":19,\"total_tokens\":25}}\n\n",
            "data: [DONE]\n\n");

    private static FakeDify.Responder azure(FakeDify.Responder answer) {
        return FakeDify.requireHeaders(Map.of("api-key", "azure-test-key"), 401,
                "{\"error\":{\"code\":\"401\",\"message\":\"Access denied due to invalid subscription key or wrong API endpoint.\"}}", answer);
    }

    @Test
    void aDeploymentIsCalledAtItsPathWithApiVersionAndApiKey() throws Exception {
        DIFY.respondWith(azure(FakeDify.stream(AZURE_STREAM, Duration.ofMillis(2))));
        HttpResponse<String> response = postJson("/v1/chat/completions", """
                {"model":"azure","stream":true,"stream_options":{"include_usage":true},"temperature":0.3,
                 "messages":[{"role":"system","content":"Be brief."},{"role":"user","content":"Refunds?"}]}""");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        List<JsonNode> chunks = chunks(response.body());
        assertThat(content(chunks)).isEqualTo("Refunds within 30 days.");
        assertThat(chunks.stream().map(chunk -> chunk.get("model").asText()).distinct()).containsExactly("azure");
        assertThat(chunks.get(chunks.size() - 1).at("/usage/total_tokens").asLong()).isEqualTo(25);

        FakeDify.Request request = DIFY.lastChatRequest();
        assertThat(request.path()).isEqualTo("/openai/deployments/gpt-4o/chat/completions");
        assertThat(request.query()).isEqualTo("api-version=2025-01-01-preview");
        assertThat(request.header("Authorization")).as("the key goes in api-key only").isNull();
        JsonNode body = JSON.readTree(request.body());
        assertThat(body.get("temperature").asDouble()).isEqualTo(0.3);
        assertThat(body.get("messages")).hasSize(2);
        assertThat(body.at("/stream_options/include_usage").asBoolean()).isTrue();
    }

    @Test
    void theDeploymentOptionAndTheDefaultApiVersionApply() throws Exception {
        DIFY.respondWith(azure(FakeDify.stream(AZURE_STREAM, Duration.ZERO)));
        JsonNode completion = JSON.readTree(postJson("/v1/chat/completions", chat("azure-prod", false, "Refunds?")).body());
        assertThat(completion.at("/choices/0/message/content").asText()).isEqualTo("Refunds within 30 days.");
        assertThat(completion.at("/usage/prompt_tokens").asLong()).isEqualTo(19);
        FakeDify.Request request = DIFY.lastChatRequest();
        assertThat(request.path()).isEqualTo("/openai/deployments/gpt-4o-prod/chat/completions");
        assertThat(request.query()).isEqualTo("api-version=2024-10-21");
    }

    @Test
    void azuresErrorsAreOpenAiErrors() throws Exception {
        DIFY.respondWith(FakeDify.requireHeaders(Map.of("api-key", "another-key"), 401,
                "{\"error\":{\"code\":\"401\",\"message\":\"Access denied due to invalid subscription key or wrong API endpoint.\"}}",
                FakeDify.stream(List.of(), Duration.ZERO)));
        HttpResponse<String> refused = postJson("/v1/chat/completions", chat("azure", false, "hi"));
        assertOpenAiError(refused, 502, "upstream_auth_failed", "invalid subscription key");
        assertThat(refused.body()).doesNotContain("azure-test-key");

        DIFY.respondWith(FakeDify.error(404, "{\"error\":{\"code\":\"DeploymentNotFound\",\"message\":\"The API deployment for this resource does not exist.\"}}", Map.of()));
        assertOpenAiError(postJson("/v1/chat/completions", chat("azure", true, "hi")), 404, "DeploymentNotFound", "deployment for this resource does not exist");

        DIFY.respondWith(FakeDify.error(400, "{\"error\":{\"message\":\"The response was filtered due to the prompt triggering Azure OpenAI's content management policy.\","
                + "\"type\":null,\"param\":\"prompt\",\"code\":\"content_filter\",\"status\":400}}", Map.of()));
        assertOpenAiError(postJson("/v1/chat/completions", chat("azure", false, "hi")), 400, "content_filter", "content management policy");

        DIFY.respondWith(azure(FakeDify.stream(List.of(AZURE_STREAM.get(0), AZURE_STREAM.get(2),
                "data: {\"choices\":[{\"content_filter_results\":{\"violence\":{\"filtered\":true,\"severity\":\"high\"}},\"delta\":{},"
                        + "\"finish_reason\":\"content_filter\",\"index\":0}],\"id\":\"chatcmpl-azure\",\"object\":\"chat.completion.chunk\"}\n\n",
                "data: [DONE]\n\n"), Duration.ZERO)));
        JsonNode filtered = JSON.readTree(postJson("/v1/chat/completions", chat("azure", false, "hi")).body());
        assertThat(filtered.at("/choices/0/finish_reason").asText()).isEqualTo("content_filter");
    }
}

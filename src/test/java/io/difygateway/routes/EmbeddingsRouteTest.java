package io.difygateway.routes;

import static io.difygateway.routes.ChatCompletionsRouteTest.assertOpenAiError;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Base64;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.difygateway.support.FakeDify;
import io.difygateway.support.GatewayTestBase;
import io.difygateway.support.OpenAiSchemas;
import org.junit.jupiter.api.Test;

/** POST /v1/embeddings: OpenAI-compatible and Azure servers passed through, Ollama's /api/embed translated, Dify refused. */
class EmbeddingsRouteTest extends GatewayTestBase {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String OPENAI_LIST = """
            {"object":"list","data":[{"object":"embedding","index":0,"embedding":[0.25,-0.5]},{"object":"embedding","index":1,"embedding":[1.0,0.0]}],
             "model":"text-embedding-3-small","usage":{"prompt_tokens":7,"total_tokens":7}}""";

    @Test
    void anOpenAiCompatibleServerGetsTheRequestWithItsModelNameAndItsListNamesTheGatewaysModel() throws Exception {
        DIFY.respondWith(FakeDify.error(200, OPENAI_LIST, Map.of()));
        HttpResponse<String> response = postJson("/v1/embeddings",
                "{\"model\":\"vllm\",\"input\":[\"refund policy\",\"vpn token\"],\"dimensions\":2,\"encoding_format\":\"float\"}");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode list = JSON.readTree(response.body());
        assertThat(OpenAiSchemas.problems("CreateEmbeddingResponse", list)).isEmpty();
        assertThat(list.get("model").asText()).isEqualTo("vllm");
        assertThat(list.at("/data/1/embedding/0").asDouble()).isEqualTo(1.0);
        FakeDify.Request request = DIFY.lastChatRequest();
        assertThat(request.path()).isEqualTo("/v1/embeddings");
        assertThat(request.header("Authorization")).isEqualTo("Bearer sk-upstream-vllm-key");
        JsonNode sent = JSON.readTree(request.body());
        assertThat(sent.get("model").asText()).isEqualTo("meta-llama/Llama-3.1-8B-Instruct");
        assertThat(sent.get("dimensions").asInt()).isEqualTo(2);
        assertThat(sent.get("input")).hasSize(2);
    }

    @Test
    void anAzureDeploymentIsCalledAtItsEmbeddingsPath() throws Exception {
        DIFY.respondWith(FakeDify.requireHeaders(Map.of("api-key", "azure-test-key"), 401, "{\"error\":{\"code\":\"401\",\"message\":\"denied\"}}",
                FakeDify.error(200, OPENAI_LIST, Map.of())));
        HttpResponse<String> response = postJson("/v1/embeddings", "{\"model\":\"azure-prod\",\"input\":\"refund policy\"}");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(DIFY.lastChatRequest().path()).isEqualTo("/openai/deployments/gpt-4o-prod/embeddings");
        assertThat(DIFY.lastChatRequest().query()).isEqualTo("api-version=2024-10-21");
    }

    @Test
    void ollamasVectorsBecomeOpenAisListAsFloatsOrBase64() throws Exception {
        String ollama = "{\"model\":\"llama3.2\",\"embeddings\":[[0.5,-1.25,3.0]],\"total_duration\":14143917,\"prompt_eval_count\":4}";
        DIFY.respondWith(FakeDify.error(200, ollama, Map.of()));
        JsonNode floats = JSON.readTree(postJson("/v1/embeddings", "{\"model\":\"local\",\"input\":\"refund policy\"}").body());
        assertThat(OpenAiSchemas.problems("CreateEmbeddingResponse", floats)).isEmpty();
        assertThat(floats).isEqualTo(JSON.readTree("""
                {"object":"list","data":[{"object":"embedding","index":0,"embedding":[0.5,-1.25,3.0]}],"model":"local",
                 "usage":{"prompt_tokens":4,"total_tokens":4}}"""));
        assertThat(DIFY.lastChatRequest().path()).isEqualTo("/api/embed");
        assertThat(JSON.readTree(DIFY.lastChatRequest().body())).isEqualTo(JSON.readTree("{\"model\":\"llama3.2\",\"input\":\"refund policy\"}"));

        DIFY.respondWith(FakeDify.error(200, ollama, Map.of()));
        JsonNode base64 = JSON.readTree(postJson("/v1/embeddings", "{\"model\":\"local\",\"input\":[\"a\"],\"encoding_format\":\"base64\"}").body());
        ByteBuffer bytes = ByteBuffer.wrap(Base64.getDecoder().decode(base64.at("/data/0/embedding").asText())).order(ByteOrder.LITTLE_ENDIAN);
        assertThat(new float[] {bytes.getFloat(), bytes.getFloat(), bytes.getFloat()}).containsExactly(0.5f, -1.25f, 3.0f);

        assertOpenAiError(postJson("/v1/embeddings", "{\"model\":\"local\",\"input\":[1,2,3]}"), 400, "invalid_value", "takes text input");
    }

    @Test
    void difyModelsBadInputAndBackendErrorsAreOpenAiErrors() throws Exception {
        assertOpenAiError(postJson("/v1/embeddings", "{\"model\":\"helpdesk\",\"input\":\"x\"}"), 400, "embeddings_not_supported", "Dify apps do not offer embeddings");
        assertOpenAiError(postJson("/v1/embeddings", "{\"model\":\"vllm\",\"input\":[]}"), 400, "invalid_value", "'input' must be");
        assertOpenAiError(postJson("/v1/embeddings", "{\"model\":\"vllm\",\"input\":\"x\",\"encoding_format\":\"int8\"}"), 400, "invalid_value", "encoding_format");
        assertOpenAiError(postJson("/v1/embeddings", "{\"model\":\"nosuch\",\"input\":\"x\"}"), 404, "model_not_found", "nosuch");
        DIFY.respondWith(FakeDify.error(404, "{\"error\":\"model \\\"nomic-embed-text\\\" not found, try pulling it first\"}", Map.of()));
        assertOpenAiError(postJson("/v1/embeddings", "{\"model\":\"local\",\"input\":\"x\"}"), 404, null, "try pulling it first");
    }
}

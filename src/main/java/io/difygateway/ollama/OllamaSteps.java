package io.difygateway.ollama;

import static io.difygateway.frontdoor.GatewayVariables.EMBEDDINGS_REQUEST;
import static io.difygateway.frontdoor.GatewayVariables.MODEL;

import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Base64;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.difygateway.config.ModelDefinition;
import io.difygateway.errors.OpenAiException;
import io.difygateway.frontdoor.EmbeddingsRequest;
import io.difygateway.upstream.BackendSteps;
import org.apache.camel.Processor;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The Ollama backend's Java steps (routes/backends/ollama.camel.yaml): its chat needs none; embeddings translate
 * OpenAI's request into Ollama's {@code /api/embed} and its answer back into OpenAI's list.
 */
@Configuration(proxyBeanMethods = false)
public class OllamaSteps {

    /** embeddingsRequest, model → body: Ollama's embed request (texts only: 400 for token ids); upstreamTimeoutMillis. */
    @Bean
    Processor ollamaEmbeddingsBody(ObjectMapper json) {
        return exchange -> {
            EmbeddingsRequest request = exchange.getVariable(EMBEDDINGS_REQUEST, EmbeddingsRequest.class);
            ModelDefinition model = exchange.getVariable(MODEL, ModelDefinition.class);
            JsonNode input = request.input();
            if (!input.isTextual() && !input.get(0).isTextual()) {
                throw OpenAiException.invalidRequest("input", "Model '" + model.id() + "' (Ollama) takes text input, not token ids.");
            }
            ObjectNode body = json.createObjectNode().put("model", model.upstreamModelName());
            body.set("input", input);
            if (request.dimensions() != null) {
                body.put("dimensions", request.dimensions());
            }
            exchange.getMessage().setBody(json.writeValueAsString(body));
            exchange.setVariable(BackendSteps.UPSTREAM_TIMEOUT_MILLIS, model.socketMillis());
        };
    }

    /** body (Ollama's embed answer), embeddingsRequest, model → body: OpenAI's embeddings list (floats or base64), usage. */
    @Bean
    Processor ollamaEmbeddingsAnswer(ObjectMapper json) {
        return exchange -> {
            JsonNode answer = json.readTree(exchange.getMessage().getBody(InputStream.class));
            EmbeddingsRequest request = exchange.getVariable(EMBEDDINGS_REQUEST, EmbeddingsRequest.class);
            ObjectNode list = json.createObjectNode().put("object", "list");
            ArrayNode data = list.putArray("data");
            JsonNode embeddings = answer.path("embeddings");
            for (int i = 0; i < embeddings.size(); i++) {
                ObjectNode item = data.addObject().put("object", "embedding").put("index", i);
                if (request.base64()) {
                    item.put("embedding", base64(embeddings.get(i)));
                } else {
                    item.set("embedding", embeddings.get(i));
                }
            }
            list.put("model", exchange.getVariable(MODEL, ModelDefinition.class).id());
            long tokens = answer.path("prompt_eval_count").asLong(0);
            list.putObject("usage").put("prompt_tokens", tokens).put("total_tokens", tokens);
            exchange.getMessage().setBody(json.writeValueAsString(list));
        };
    }

    /** A vector as OpenAI's base64 encoding: little-endian float32 values. */
    static String base64(JsonNode vector) {
        ByteBuffer bytes = ByteBuffer.allocate(vector.size() * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        vector.forEach(value -> bytes.putFloat(value.floatValue()));
        return Base64.getEncoder().encodeToString(bytes.array());
    }
}

package io.difygateway.openai;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.difygateway.config.ModelDefinition;
import io.difygateway.frontdoor.ChatCompletionRequest;
import org.springframework.stereotype.Component;

/**
 * Translates a client's chat request into the request for an OpenAI-compatible server: the same body with every
 * field the client sent (sampling parameters, stop words, ...), the model renamed to the model's
 * {@code upstream-model}, always streamed with usage, and no client identity fields.
 */
@Component("openAiCompatibleRequests")
public class OpenAiCompatibleRequests {

    private final ObjectMapper json;

    public OpenAiCompatibleRequests(ObjectMapper json) {
        this.json = json;
    }

    /** The JSON body for {@code POST {base-url}/chat/completions}. */
    public String body(ChatCompletionRequest request, ModelDefinition model, String endUser) {
        ObjectNode body = request.raw() == null ? json.createObjectNode() : request.raw().deepCopy();
        body.put("model", model.upstreamModel() != null ? model.upstreamModel() : model.id());
        body.put("stream", true);
        body.putObject("stream_options").put("include_usage", true);
        body.put("user", endUser);
        try {
            return json.writeValueAsString(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise a request", e);
        }
    }
}

package io.difygateway.dify;

import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.difygateway.config.GatewayProperties;
import io.difygateway.config.ModelDefinition;
import io.difygateway.openai.ChatCompletionRequest;
import org.springframework.stereotype.Component;

/** Translates an OpenAI chat request into the JSON bodies of Dify's chat-messages and stop calls. */
@Component("difyRequestMapper")
public class DifyRequestMapper {

    private final ObjectMapper json;
    private final String defaultUser;

    public DifyRequestMapper(ObjectMapper json, GatewayProperties properties) {
        this.json = json;
        this.defaultUser = properties.getDefaultUser();
    }

    /** The Dify {@code user}: the OpenAI {@code user} string, else the configured default. */
    public String user(ChatCompletionRequest request) {
        return request.user() != null ? request.user() : defaultUser;
    }

    /** Body of {@code POST /chat-messages}: always streaming, a new conversation each time, no auto-naming. */
    public String chatMessagesBody(ChatCompletionRequest request, ModelDefinition model, String user) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("inputs", model.inputs());
        body.put("query", DifyQueryBuilder.query(request));
        body.put("response_mode", "streaming");
        body.put("user", user);
        // each stateless call opens a new conversation: naming it would cost Dify an extra LLM call
        body.put("auto_generate_name", false);
        return write(body);
    }

    /** Body of {@code POST /chat-messages/{task_id}/stop}: the same user that started the task. */
    public String stopBody(String user) {
        return write(Map.of("user", user));
    }

    private String write(Object body) {
        try {
            return json.writeValueAsString(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise a Dify request", e);
        }
    }
}

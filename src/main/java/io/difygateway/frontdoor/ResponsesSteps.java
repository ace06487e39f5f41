package io.difygateway.frontdoor;

import static io.difygateway.frontdoor.GatewayVariables.BACKGROUND_TASK;
import static io.difygateway.frontdoor.GatewayVariables.CALLER;
import static io.difygateway.frontdoor.GatewayVariables.CHAT_REQUEST;
import static io.difygateway.frontdoor.GatewayVariables.COMPLETION;
import static io.difygateway.frontdoor.GatewayVariables.CONTINUED_CONVERSATION;
import static io.difygateway.frontdoor.GatewayVariables.MODEL;
import static io.difygateway.frontdoor.GatewayVariables.RESPONSES_REQUEST;
import static io.difygateway.frontdoor.GatewayVariables.RESPONSE_ENCODER;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.difygateway.completion.ChatCompletion;
import io.difygateway.completion.ChatCompletions;
import io.difygateway.completion.ResponseEncoder;
import io.difygateway.config.ModelDefinition;
import io.difygateway.conversation.StoredResponses;
import io.difygateway.errors.OpenAiException;
import io.difygateway.frontdoor.ResponsesRequestParser.ResponsesRequest;
import io.difygateway.identity.Caller;
import jakarta.servlet.http.HttpServletResponse;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The Responses API's own front-door steps (routes/openai-api.camel.yaml, routes {@code responses} and
 * {@code response-by-id}) as named processors; between them the request runs through the same steps and backends as a
 * chat completion.
 */
@Configuration(proxyBeanMethods = false)
public class ResponsesSteps {

    /**
     * body, caller → chatRequest, responsesRequest, backgroundTask (false), continuedConversation (the previous
     * response's Dify conversation): a 400 naming the field, or previous_response_not_found.
     */
    @Bean
    Processor parseResponsesRequest(ChatRequestParser chat, ResponsesRequestParser responses, StoredResponses stored) {
        return exchange -> {
            ObjectNode root = chat.readObject(exchange.getMessage().getBody(String.class));
            ArrayNode history = null;
            JsonNode previous = root.get("previous_response_id");
            if (previous != null && !previous.isNull()) {
                StoredResponses.Stored found = previous.isTextual() ? stored.find(previous.asText(), caller(exchange)).orElse(null) : null;
                if (found == null) {
                    throw new OpenAiException(400, "invalid_request_error", "previous_response_not_found", "previous_response_id",
                            "Previous response with id '" + previous.asText() + "' not found: it was not stored (store: false),"
                                    + " has expired, or belongs to another key.");
                }
                history = found.conversation();
                exchange.setVariable(CONTINUED_CONVERSATION, found.conversationId());
            }
            ResponsesRequest request = responses.parse(root, history);
            exchange.setVariable(RESPONSES_REQUEST, request);
            exchange.setVariable(CHAT_REQUEST, request.chatRequest());
            exchange.setVariable(BACKGROUND_TASK, false);
        };
    }

    /** responsesRequest, model, servlet response → responseEncoder, completion. */
    @Bean
    Processor openResponse(ChatCompletions completions, ObjectMapper json) {
        return exchange -> {
            ResponsesRequest request = exchange.getVariable(RESPONSES_REQUEST, ResponsesRequest.class);
            ResponseEncoder encoder = new ResponseEncoder(request.shell(), json);
            exchange.setVariable(RESPONSE_ENCODER, encoder);
            exchange.setVariable(COMPLETION, completions.openResponse(request.chatRequest(), exchange.getVariable(MODEL, ModelDefinition.class),
                    encoder, exchange.getMessage().getHeader(Exchange.HTTP_SERVLET_RESPONSE, HttpServletResponse.class)));
        };
    }

    /**
     * completion, responseEncoder, responsesRequest, caller → the events' end written (body null), or the response object
     * as body; a finished response stored unless the request said store: false.
     */
    @Bean
    Processor finishResponse(ChatCompletions completions, StoredResponses stored) {
        return exchange -> {
            ChatCompletion completion = exchange.getVariable(COMPLETION, ChatCompletion.class);
            exchange.getMessage().setBody(completions.finish(completion));
            ResponsesRequest request = exchange.getVariable(RESPONSES_REQUEST, ResponsesRequest.class);
            if (request.store() && !completion.hasFailed()) {
                stored.save(exchange.getVariable(RESPONSE_ENCODER, ResponseEncoder.class).response(), request.conversation(),
                        completion.upstreamConversationId(), caller(exchange));
            }
        };
    }

    /** header id, CamelHttpMethod, caller → body: the stored response (GET), or its deletion (DELETE); 404 when the caller has none. */
    @Bean
    Processor responseById(StoredResponses stored, ObjectMapper json) {
        return exchange -> {
            String id = exchange.getMessage().getHeader("id", String.class);
            Caller caller = caller(exchange);
            if ("DELETE".equals(exchange.getMessage().getHeader(Exchange.HTTP_METHOD, String.class))) {
                if (!stored.delete(id, caller)) {
                    throw notFound(id);
                }
                exchange.getMessage().setBody(json.writeValueAsString(json.createObjectNode().put("id", id)
                        .put("object", "response.deleted").put("deleted", true)));
            } else {
                exchange.getMessage().setBody(json.writeValueAsString(stored.find(id, caller).orElseThrow(() -> notFound(id)).response()));
            }
        };
    }

    private static OpenAiException notFound(String id) {
        return new OpenAiException(404, "invalid_request_error", "response_not_found", null, "No response found with id '" + id + "'.");
    }

    private static Caller caller(Exchange exchange) {
        return exchange.getVariable(CALLER, Caller.class);
    }
}

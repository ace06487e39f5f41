package io.difygateway.openai;

import static io.difygateway.frontdoor.GatewayVariables.CHAT_REQUEST;
import static io.difygateway.frontdoor.GatewayVariables.END_USER;
import static io.difygateway.frontdoor.GatewayVariables.MODEL;

import io.difygateway.config.ModelDefinition;
import io.difygateway.frontdoor.ChatCompletionRequest;
import io.difygateway.upstream.BackendSteps;
import io.difygateway.upstream.EventMapper;
import org.apache.camel.Processor;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The OpenAI-compatible backend's route steps (routes/backends/openai.camel.yaml) as named processors: its request
 * body and its event mapper; the call and the streaming tail are the shared blocks'.
 */
@Configuration(proxyBeanMethods = false)
public class OpenAiSteps {

    /** chatRequest, model, endUser → body: the request for an OpenAI-compatible server. */
    @Bean
    Processor openAiCompatibleBody(OpenAiCompatibleRequests requests) {
        return exchange -> exchange.getMessage().setBody(requests.body(exchange.getVariable(CHAT_REQUEST, ChatCompletionRequest.class),
                exchange.getVariable(MODEL, ModelDefinition.class), exchange.getVariable(END_USER, String.class)));
    }

    /** → eventMapper: the server's chat.completion.chunk events → completion events. */
    @Bean
    Processor openAiCompatibleEventMapper(OpenAiCompatibleEvents events) {
        return exchange -> exchange.setVariable(BackendSteps.EVENT_MAPPER, (EventMapper) events::map);
    }
}

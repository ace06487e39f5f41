package io.difygateway.frontdoor;

import static io.difygateway.frontdoor.GatewayVariables.BACKEND;
import static io.difygateway.frontdoor.GatewayVariables.BACKGROUND_TASK;
import static io.difygateway.frontdoor.GatewayVariables.BASE_URL;
import static io.difygateway.frontdoor.GatewayVariables.CALLER;
import static io.difygateway.frontdoor.GatewayVariables.CHAT_REQUEST;
import static io.difygateway.frontdoor.GatewayVariables.COMPLETION;
import static io.difygateway.frontdoor.GatewayVariables.END_USER;
import static io.difygateway.frontdoor.GatewayVariables.MODEL;
import static io.difygateway.frontdoor.GatewayVariables.MODEL_ID;
import static io.difygateway.frontdoor.GatewayVariables.OPTION_PREFIX;
import static io.difygateway.frontdoor.GatewayVariables.UPSTREAM_MODEL;

import io.difygateway.completion.ChatCompletion;
import io.difygateway.completion.ChatCompletions;
import io.difygateway.config.ModelDefinition;
import io.difygateway.config.ModelRegistry;
import io.difygateway.identity.Caller;
import io.difygateway.identity.ClientKeys;
import io.difygateway.identity.EndUserResolver;
import jakarta.servlet.http.HttpServletResponse;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The front door's route steps (routes/openai-api.camel.yaml) as named processors: each reads and writes the
 * flat exchange variables of {@link GatewayVariables} and calls one service. A step costs a plain method call,
 * not the two exchange copies of a {@code method} expression.
 */
@Configuration(proxyBeanMethods = false)
public class FrontDoorSteps {

    /** Authorization header → caller (401 when keys are configured and it is wrong). */
    @Bean
    Processor authenticate(ClientKeys keys) {
        return exchange -> exchange.setVariable(CALLER, keys.authenticate(exchange.getMessage().getHeaders()));
    }

    /** caller → body: the models this key may use, in OpenAI's list format. */
    @Bean
    Processor listModels(ModelCatalog catalog) {
        return exchange -> exchange.getMessage().setBody(catalog.list(caller(exchange)));
    }

    /** header id, caller → body: one model, or a 404 model_not_found. */
    @Bean
    Processor getModel(ModelCatalog catalog) {
        return exchange -> exchange.getMessage().setBody(catalog.get(exchange.getMessage().getHeader("id", String.class), caller(exchange)));
    }

    /** body → chatRequest (400 on bad input). */
    @Bean
    Processor parseChatRequest(ChatRequestParser parser) {
        return exchange -> exchange.setVariable(CHAT_REQUEST, parser.parse(exchange.getMessage().getBody(String.class)));
    }

    /** caller, chatRequest → a 404 for a model this key may not use. */
    @Bean
    Processor permitModel(ClientKeys keys) {
        return exchange -> keys.permit(caller(exchange), chatRequest(exchange).model());
    }

    /** chatRequest, headers → backgroundTask. */
    @Bean
    Processor detectBackgroundTask(BackgroundTasks tasks) {
        return exchange -> exchange.setVariable(BACKGROUND_TASK, tasks.detect(chatRequest(exchange), exchange.getMessage().getHeaders()));
    }

    /** chatRequest, backgroundTask → model and its flat parts: backend, modelId, baseUrl, upstreamModel, option-* (404). */
    @Bean
    Processor resolveModel(ModelRegistry models) {
        return exchange -> useModel(exchange, models.resolve(chatRequest(exchange).model(), backgroundTask(exchange)));
    }

    /** model → the variables model, backend, modelId, baseUrl, upstreamModel and option-* every backend route reads. */
    static void useModel(Exchange exchange, ModelDefinition model) {
        exchange.setVariable(MODEL, model);
        exchange.setVariable(BACKEND, model.backend());
        exchange.setVariable(MODEL_ID, model.id());
        exchange.setVariable(BASE_URL, model.baseUrl());
        exchange.setVariable(UPSTREAM_MODEL, model.upstreamModelName());
        model.options().forEach((name, value) -> exchange.setVariable(OPTION_PREFIX + name, value));
    }

    /** chatRequest, headers, caller → endUser (401 on a forged signed user header). */
    @Bean
    Processor resolveEndUser(EndUserResolver endUsers) {
        return exchange -> exchange.setVariable(END_USER,
                endUsers.resolve(chatRequest(exchange), exchange.getMessage().getHeaders(), caller(exchange)));
    }

    /** chatRequest, model, backgroundTask, servlet response → completion. */
    @Bean
    Processor openCompletion(ChatCompletions completions) {
        return exchange -> exchange.setVariable(COMPLETION, completions.open(chatRequest(exchange),
                exchange.getVariable(MODEL, ModelDefinition.class), backgroundTask(exchange),
                exchange.getMessage().getHeader(Exchange.HTTP_SERVLET_RESPONSE, HttpServletResponse.class)));
    }

    /** completion → finish chunk, usage and [DONE] written (body null), or the chat.completion JSON as body. */
    @Bean
    Processor finishCompletion(ChatCompletions completions) {
        return exchange -> exchange.getMessage().setBody(completions.finish(exchange.getVariable(COMPLETION, ChatCompletion.class)));
    }

    private static Caller caller(Exchange exchange) {
        return exchange.getVariable(CALLER, Caller.class);
    }

    private static ChatCompletionRequest chatRequest(Exchange exchange) {
        return exchange.getVariable(CHAT_REQUEST, ChatCompletionRequest.class);
    }

    private static boolean backgroundTask(Exchange exchange) {
        return Boolean.TRUE.equals(exchange.getVariable(BACKGROUND_TASK, Boolean.class));
    }
}

package io.difygateway.frontdoor;

import static io.difygateway.frontdoor.GatewayVariables.CALLER;
import static io.difygateway.frontdoor.GatewayVariables.EMBEDDINGS_REQUEST;
import static io.difygateway.frontdoor.GatewayVariables.END_USER;

import io.difygateway.config.ModelDefinition;
import io.difygateway.config.ModelRegistry;
import io.difygateway.errors.OpenAiException;
import io.difygateway.identity.Caller;
import io.difygateway.identity.ClientKeys;
import io.difygateway.identity.EndUserResolver;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The front-door steps of {@code POST /v1/embeddings} (routes/embeddings-api.camel.yaml) as named processors: the
 * request, the model and the user; a backend serves it with a route {@code <backend>-embeddings} from
 * {@code direct:embeddings-<backend>}.
 */
@Configuration(proxyBeanMethods = false)
public class EmbeddingsSteps {

    /** body → embeddingsRequest (400 naming the field). */
    @Bean
    Processor parseEmbeddingsRequest(ChatRequestParser parser) {
        return exchange -> exchange.setVariable(EMBEDDINGS_REQUEST, EmbeddingsRequest.of(parser.readObject(exchange.getMessage().getBody(String.class))));
    }

    /**
     * caller, embeddingsRequest → model and its flat parts (404 for an unknown model or one this key may not use; 400
     * embeddings_not_supported when the model's backend has no embeddings route, as Dify apps).
     */
    @Bean
    Processor resolveEmbeddingsModel(ClientKeys keys, ModelRegistry models) {
        return exchange -> {
            String id = request(exchange).model();
            keys.permit(caller(exchange), id);
            ModelDefinition model = models.resolve(id, false);
            if (exchange.getContext().getRoute(model.backend() + "-embeddings") == null) {
                throw new OpenAiException(400, "invalid_request_error", "embeddings_not_supported", "model", "Model '" + model.id()
                        + "' cannot make embeddings: its backend (" + model.backend() + ") has none" + ("dify".equals(model.backend())
                        ? " (Dify apps do not offer embeddings; configure an OpenAI-compatible or Ollama embedding model)." : "."));
            }
            FrontDoorSteps.useModel(exchange, model);
        };
    }

    /** embeddingsRequest, headers, caller → endUser (401 on a forged signed user header). */
    @Bean
    Processor resolveEmbeddingsUser(EndUserResolver endUsers) {
        return exchange -> exchange.setVariable(END_USER, endUsers.resolve(request(exchange).user(), exchange.getMessage().getHeaders(), caller(exchange)));
    }

    private static EmbeddingsRequest request(Exchange exchange) {
        return exchange.getVariable(EMBEDDINGS_REQUEST, EmbeddingsRequest.class);
    }

    private static Caller caller(Exchange exchange) {
        return exchange.getVariable(CALLER, Caller.class);
    }
}

package io.difygateway.openai;

import static io.difygateway.frontdoor.GatewayVariables.AUDIO_REQUEST;
import static io.difygateway.frontdoor.GatewayVariables.CHAT_REQUEST;
import static io.difygateway.frontdoor.GatewayVariables.EMBEDDINGS_REQUEST;
import static io.difygateway.frontdoor.GatewayVariables.END_USER;
import static io.difygateway.frontdoor.GatewayVariables.MODEL;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.difygateway.config.ModelDefinition;
import io.difygateway.frontdoor.AudioRequests;
import io.difygateway.frontdoor.EmbeddingsRequest;
import io.difygateway.frontdoor.ChatCompletionRequest;
import io.difygateway.upstream.AudioTypes;
import io.difygateway.upstream.BackendSteps;
import io.difygateway.upstream.EventMapper;
import org.apache.camel.Processor;
import org.apache.hc.client5.http.entity.mime.MultipartEntityBuilder;
import org.apache.hc.core5.http.ContentType;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The OpenAI-compatible backends' route steps (routes/backends/openai.camel.yaml, azure-openai.camel.yaml) as named
 * processors: the chat request body and the event mapper, the embeddings request and answer; the calls and the streaming
 * tail are the shared blocks'.
 */
@Configuration(proxyBeanMethods = false)
public class OpenAiSteps {

    /** chatRequest, model, endUser → body: the request for an OpenAI-compatible server. */
    @Bean
    Processor openAiCompatibleBody(OpenAiCompatibleRequests requests) {
        return exchange -> exchange.getMessage().setBody(requests.body(exchange.getVariable(CHAT_REQUEST, ChatCompletionRequest.class),
                exchange.getVariable(MODEL, ModelDefinition.class), exchange.getVariable(END_USER, String.class)));
    }

    /** embeddingsRequest, model, endUser → body: the request with the model renamed; upstreamTimeoutMillis: the model's. */
    @Bean
    Processor openAiEmbeddingsBody(ObjectMapper json) {
        return exchange -> {
            ModelDefinition model = exchange.getVariable(MODEL, ModelDefinition.class);
            ObjectNode body = exchange.getVariable(EMBEDDINGS_REQUEST, EmbeddingsRequest.class).raw().deepCopy();
            body.put("model", model.upstreamModelName());
            body.put("user", exchange.getVariable(END_USER, String.class));
            exchange.getMessage().setBody(json.writeValueAsString(body));
            exchange.setVariable(BackendSteps.UPSTREAM_TIMEOUT_MILLIS, model.socketMillis());
        };
    }

    /** body (the server's embeddings list), model → body: the same list naming the gateway's model. */
    @Bean
    Processor openAiEmbeddingsAnswer(ObjectMapper json) {
        return exchange -> {
            ObjectNode answer = (ObjectNode) json.readTree(exchange.getMessage().getBody(java.io.InputStream.class));
            answer.put("model", exchange.getVariable(MODEL, ModelDefinition.class).id());
            exchange.getMessage().setBody(json.writeValueAsString(answer));
        };
    }

    /** audioRequest (transcription), model → body: the server's transcription form, the model renamed; upstreamTimeoutMillis. */
    @Bean
    Processor openAiTranscriptionBody() {
        return exchange -> {
            ModelDefinition model = exchange.getVariable(MODEL, ModelDefinition.class);
            AudioRequests.TranscriptionRequest request = exchange.getVariable(AUDIO_REQUEST, AudioRequests.TranscriptionRequest.class);
            MultipartEntityBuilder form = MultipartEntityBuilder.create()
                    .addBinaryBody("file", request.audio(), ContentType.create(AudioTypes.of(request.filename())), request.filename())
                    .addTextBody("model", model.upstreamModelName(), ContentType.TEXT_PLAIN.withCharset("UTF-8"))
                    .addTextBody("response_format", request.responseFormat(), ContentType.TEXT_PLAIN.withCharset("UTF-8"));
            for (String[] field : new String[][] {{"language", request.language()}, {"prompt", request.prompt()}, {"temperature", request.temperature()}}) {
                if (field[1] != null) {
                    form.addTextBody(field[0], field[1], ContentType.TEXT_PLAIN.withCharset("UTF-8"));
                }
            }
            exchange.getMessage().setBody(form.build());
            exchange.setVariable(BackendSteps.UPSTREAM_TIMEOUT_MILLIS, model.socketMillis());
        };
    }

    /** audioRequest (speech), model → body: the request with the model renamed; upstreamTimeoutMillis. */
    @Bean
    Processor openAiSpeechBody(ObjectMapper json) {
        return exchange -> {
            ModelDefinition model = exchange.getVariable(MODEL, ModelDefinition.class);
            ObjectNode body = exchange.getVariable(AUDIO_REQUEST, AudioRequests.SpeechRequest.class).raw().deepCopy();
            body.put("model", model.upstreamModelName());
            exchange.getMessage().setBody(json.writeValueAsString(body));
            exchange.setVariable(BackendSteps.UPSTREAM_TIMEOUT_MILLIS, model.socketMillis());
        };
    }

    /** → eventMapper: the server's chat.completion.chunk events → completion events. */
    @Bean
    Processor openAiCompatibleEventMapper(OpenAiCompatibleEvents events) {
        return exchange -> exchange.setVariable(BackendSteps.EVENT_MAPPER, (EventMapper) events::map);
    }
}

package io.difygateway.frontdoor;

import static io.difygateway.frontdoor.GatewayVariables.AUDIO_REQUEST;
import static io.difygateway.frontdoor.GatewayVariables.CALLER;
import static io.difygateway.frontdoor.GatewayVariables.END_USER;
import static io.difygateway.frontdoor.GatewayVariables.HTTP_RESPONSE;
import static io.difygateway.frontdoor.GatewayVariables.TRANSCRIPT;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.difygateway.config.ModelDefinition;
import io.difygateway.config.ModelRegistry;
import io.difygateway.dify.DifyAppCatalog;
import io.difygateway.dify.DifyAppMetadata;
import io.difygateway.errors.OpenAiException;
import io.difygateway.identity.Caller;
import io.difygateway.identity.ClientKeys;
import io.difygateway.identity.EndUserResolver;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The front-door steps of {@code /v1/audio/*} (routes/openai-audio.camel.yaml) as named processors. A backend serves
 * transcriptions with a route {@code <backend>-transcription} from {@code direct:transcription-<backend>} and speech
 * with {@code <backend>-speech} from {@code direct:speech-<backend>} (routes/audio/).
 */
@Configuration(proxyBeanMethods = false)
public class AudioSteps {

    /** The voices OpenAI's speech endpoint offers, listed for OpenAI-compatible models without an option {@code voices}. */
    private static final String OPENAI_VOICES = "alloy,ash,ballad,coral,echo,fable,nova,onyx,sage,shimmer,verse";

    /** servlet request, body → audioRequest (a transcription; 400 naming the field), httpResponse. */
    @Bean
    Processor parseTranscriptionRequest(AudioRequests requests) {
        return exchange -> {
            exchange.setVariable(AUDIO_REQUEST, requests.transcription(
                    exchange.getMessage().getHeader(Exchange.HTTP_SERVLET_REQUEST, HttpServletRequest.class), exchange.getMessage().getBody(String.class)));
            exchange.setVariable(HTTP_RESPONSE, exchange.getMessage().getHeader(Exchange.HTTP_SERVLET_RESPONSE, HttpServletResponse.class));
        };
    }

    /** body → audioRequest (speech; 400 naming the field), httpResponse. */
    @Bean
    Processor parseSpeechRequest(AudioRequests requests) {
        return exchange -> {
            exchange.setVariable(AUDIO_REQUEST, requests.speech(exchange.getMessage().getBody(String.class)));
            exchange.setVariable(HTTP_RESPONSE, exchange.getMessage().getHeader(Exchange.HTTP_SERVLET_RESPONSE, HttpServletResponse.class));
        };
    }

    /**
     * caller, audioRequest → model and its flat parts: 404 for an unknown model or one this key may not use, 400
     * model_not_audio_capable when the model is configured without audio or its backend has no route for the operation.
     */
    @Bean
    Processor resolveAudioModel(ClientKeys keys, ModelRegistry models) {
        return exchange -> {
            Object request = exchange.getVariable(AUDIO_REQUEST);
            boolean transcription = request instanceof AudioRequests.TranscriptionRequest;
            String id = transcription ? ((AudioRequests.TranscriptionRequest) request).model() : ((AudioRequests.SpeechRequest) request).model();
            keys.permit(caller(exchange), id);
            ModelDefinition model = models.resolve(id, false);
            if (!model.audio() || exchange.getContext().getRoute(model.backend() + (transcription ? "-transcription" : "-speech")) == null) {
                throw notAudioCapable(model, transcription);
            }
            FrontDoorSteps.useModel(exchange, model);
        };
    }

    /** headers, caller → endUser (audio requests carry no user field). */
    @Bean
    Processor resolveAudioUser(EndUserResolver endUsers) {
        return exchange -> exchange.setVariable(END_USER, endUsers.resolve((String) null, exchange.getMessage().getHeaders(), caller(exchange)));
    }

    /** transcript, audioRequest → body and Content-Type: the text as JSON, plain text or verbose JSON, as asked. */
    @Bean
    Processor transcriptionResponse(ObjectMapper json) {
        return exchange -> {
            AudioRequests.TranscriptionRequest request = exchange.getVariable(AUDIO_REQUEST, AudioRequests.TranscriptionRequest.class);
            String text = exchange.getVariable(TRANSCRIPT, String.class);
            exchange.getMessage().getHeaders().clear();
            if ("text".equals(request.responseFormat())) {
                exchange.getMessage().setHeader(Exchange.CONTENT_TYPE, "text/plain; charset=utf-8");
                exchange.getMessage().setBody(text);
                return;
            }
            ObjectNode body = json.createObjectNode();
            if ("verbose_json".equals(request.responseFormat())) {
                // the backends report neither duration nor segments
                body.put("task", "transcribe").put("language", request.language() == null ? "unknown" : request.language()).put("duration", 0.0);
            }
            body.put("text", text);
            exchange.getMessage().setHeader(Exchange.CONTENT_TYPE, "application/json");
            exchange.getMessage().setBody(json.writeValueAsString(body));
        };
    }

    /** caller → body: the voices of the audio models this key may use, as Open WebUI reads them ({@code {"voices": [{id, name}]}}). */
    @Bean
    Processor listVoices(ModelRegistry models, ObjectMapper json, CamelContext camel, DifyAppCatalog apps) {
        return exchange -> {
            Set<String> voices = new LinkedHashSet<>();
            for (ModelDefinition model : speechModels(models, camel, caller(exchange))) {
                if ("dify".equals(model.backend())) {
                    DifyAppMetadata.AudioSettings audio = apps.metadata(model).audio();
                    if (audio != null && audio.voice() != null) {
                        voices.add(audio.voice());
                    }
                } else {
                    for (String voice : model.options().getOrDefault("voices", OPENAI_VOICES).split(",")) {
                        voices.add(voice.trim());
                    }
                }
            }
            ObjectNode body = json.createObjectNode();
            ArrayNode list = body.putArray("voices");
            voices.stream().filter(voice -> !voice.isEmpty()).forEach(voice -> list.addObject().put("id", voice).put("name", voice));
            exchange.getMessage().setBody(json.writeValueAsString(body));
        };
    }

    /**
     * caller → body: the models with speech or transcription this key may use (a Dify model when its app has either on),
     * as Open WebUI reads them ({@code {"models": [{id}]}}).
     */
    @Bean
    Processor listAudioModels(ModelRegistry models, ObjectMapper json, CamelContext camel, DifyAppCatalog apps) {
        return exchange -> {
            ObjectNode body = json.createObjectNode();
            ArrayNode list = body.putArray("models");
            Caller caller = caller(exchange);
            for (ModelDefinition model : models.all()) {
                boolean routes = camel.getRoute(model.backend() + "-speech") != null || camel.getRoute(model.backend() + "-transcription") != null;
                DifyAppMetadata.AudioSettings audio = apps.metadata(model).audio();
                boolean appHasIt = !"dify".equals(model.backend()) || audio != null && (audio.speechToText() || audio.textToSpeech());
                if (model.audio() && caller.mayUse(model.id()) && routes && appHasIt) {
                    list.addObject().put("id", model.id());
                }
            }
            exchange.getMessage().setBody(json.writeValueAsString(body));
        };
    }

    private static List<ModelDefinition> speechModels(ModelRegistry models, CamelContext camel, Caller caller) {
        return models.all().stream().filter(model -> model.audio() && caller.mayUse(model.id()) && camel.getRoute(model.backend() + "-speech") != null)
                .toList();
    }

    /** A 400 for a model that does not do this kind of audio: configured so, or its backend has none. */
    private static OpenAiException notAudioCapable(ModelDefinition model, boolean transcription) {
        return OpenAiException.modelNotAudioCapable(model.id(), transcription, !model.audio() ? "it is configured with audio: false."
                : "its backend (" + model.backend() + ") has no audio.");
    }

    private static Caller caller(Exchange exchange) {
        return exchange.getVariable(CALLER, Caller.class);
    }
}

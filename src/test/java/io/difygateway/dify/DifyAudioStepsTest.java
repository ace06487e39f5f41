package io.difygateway.dify;

import static io.difygateway.frontdoor.GatewayVariables.AUDIO_REQUEST;
import static io.difygateway.frontdoor.GatewayVariables.END_USER;
import static io.difygateway.frontdoor.GatewayVariables.MODEL;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.difygateway.config.GatewayProperties;
import io.difygateway.config.ModelDefinition;
import io.difygateway.config.ModelRegistry;
import io.difygateway.errors.OpenAiException;
import io.difygateway.frontdoor.AudioRequests;
import io.difygateway.support.MutableClock;
import io.difygateway.support.TestModels;
import io.difygateway.upstream.BackendSteps;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.apache.hc.core5.http.HttpEntity;
import org.junit.jupiter.api.Test;

/** The Dify audio steps' checks before anything is sent: the app's feature, and Dify's 30 MB limit. */
class DifyAudioStepsTest {

    private static final ModelDefinition MODEL_DEFINITION = TestModels.dify("chat").build();

    private final DifyAppCatalog catalog = new DifyAppCatalog(new ModelRegistry(new GatewayProperties()), new ObjectMapper(), new MutableClock());
    private final Processor transcriptionBody = new DifySteps().difyTranscriptionBody(catalog);

    private static Exchange exchange(int audioBytes) {
        Exchange exchange = new DefaultExchange(new DefaultCamelContext());
        exchange.setVariable(MODEL, MODEL_DEFINITION);
        exchange.setVariable(END_USER, "u");
        exchange.setVariable(AUDIO_REQUEST, new AudioRequests.TranscriptionRequest("m", new byte[audioBytes], "r.m4a", null, null, "json", null));
        return exchange;
    }

    @Test
    void anUploadOverDifysLimitIsA413BeforeAnythingIsSentAndAnAppWithoutTheFeatureA400() throws Exception {
        assertThatThrownBy(() -> transcriptionBody.process(exchange(10))).isInstanceOfSatisfying(OpenAiException.class,
                error -> assertThat(error.toError().code()).isEqualTo("model_not_audio_capable"));
        catalog.acceptParameters(MODEL_DEFINITION, 200, "{\"user_input_form\": [], \"speech_to_text\": {\"enabled\": true}}");

        Exchange small = exchange(10);
        transcriptionBody.process(small);
        assertThat(small.getMessage().getBody()).isInstanceOf(HttpEntity.class);
        assertThat(small.getVariable(BackendSteps.UPSTREAM_URL, String.class)).endsWith("/audio-to-text");

        assertThatThrownBy(() -> transcriptionBody.process(exchange(30 * 1024 * 1024 + 1))).isInstanceOfSatisfying(OpenAiException.class, error -> {
            assertThat(error.status()).isEqualTo(413);
            assertThat(error.getMessage()).contains("at most 30 MB");
        });
    }
}

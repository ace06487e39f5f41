package io.difygateway.errors;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.SocketTimeoutException;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.difygateway.completion.ChatCompletion;
import io.difygateway.config.ModelDefinition;
import io.difygateway.support.TestModels;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;

/**
 * A socket timeout of the backend call and the stream watchdog guard the same deadlines; whichever fires first,
 * the client reads the same error (they used to race at the same instant with two different messages).
 */
class OpenAiErrorResponderTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final OpenAiErrorResponder responder = new OpenAiErrorResponder(JSON);
    private final ModelDefinition model = TestModels.dify("chat").build();

    @Test
    void aSocketTimeoutBeforeAnyEventIsTheFirstEventTimeout() throws Exception {
        ChatCompletion completion = completion();
        JsonNode error = respondToSocketTimeout(completion);
        assertThat(error.path("code").asText()).isEqualTo("upstream_timeout");
        assertThat(error.path("message").asText()).isEqualTo("The backend of model 'm' sent nothing within its first-event timeout of 60 s.");
    }

    @Test
    void aSocketTimeoutAfterAnEventIsTheIdleTimeout() throws Exception {
        ChatCompletion completion = completion();
        completion.accept(List.of());
        JsonNode error = respondToSocketTimeout(completion);
        assertThat(error.path("message").asText()).isEqualTo("The backend of model 'm' was silent for longer than its idle timeout of 60 s.");
    }

    @Test
    void aFailureTheWatchdogRecordedFirstIsKept() throws Exception {
        ChatCompletion completion = completion();
        completion.fail(new OpenAiException(504, "server_error", "upstream_timeout", null, "recorded first", OpenAiException.NO_RETRY));
        assertThat(respondToSocketTimeout(completion).path("message").asText()).isEqualTo("recorded first");
    }

    private ChatCompletion completion() {
        return new ChatCompletion("chatcmpl-1", 1L, model.id(), false, false, model.reasoning(), null, JSON);
    }

    private JsonNode respondToSocketTimeout(ChatCompletion completion) throws Exception {
        Exchange exchange = new DefaultExchange(new DefaultCamelContext());
        exchange.setVariable("completion", completion);
        exchange.setVariable("model", model);
        exchange.setProperty(Exchange.EXCEPTION_CAUGHT, new RuntimeException(new SocketTimeoutException("Read timed out")));
        responder.respond(exchange);
        assertThat(exchange.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE)).isEqualTo(504);
        assertThat(exchange.getMessage().getHeader("x-should-retry")).isEqualTo("false");
        return JSON.readTree(exchange.getMessage().getBody(String.class)).path("error");
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.MethodSource("brokenConnections")
    void aBrokenBackendConnectionIsSaidInWordsNeverAClassName(java.io.IOException failure, String words) {
        OpenAiException error = OpenAiErrorResponder.toOpenAi(new RuntimeException(failure), "m");
        assertThat(error.status()).isEqualTo(502);
        assertThat(error.code()).isEqualTo("upstream_connection_lost");
        assertThat(error.getMessage()).contains(words).doesNotContain("Exception").doesNotContain(failure.getClass().getSimpleName());
    }

    static java.util.stream.Stream<org.junit.jupiter.params.provider.Arguments> brokenConnections() {
        return java.util.stream.Stream.of(
                org.junit.jupiter.params.provider.Arguments.of(new org.apache.hc.core5.http.NoHttpResponseException("127.0.0.1:5001 failed to respond"),
                        "closed the connection without answering"),
                org.junit.jupiter.params.provider.Arguments.of(new org.apache.hc.core5.http.ConnectionClosedException("Premature end of chunk coded message body"),
                        "closed the connection before the answer was complete"),
                org.junit.jupiter.params.provider.Arguments.of(new java.net.SocketException("Connection reset"), "reset the connection"),
                org.junit.jupiter.params.provider.Arguments.of(new java.io.IOException("weird"), "the connection broke"));
    }
}

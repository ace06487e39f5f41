package io.difygateway.upstream;

import static io.difygateway.openai.GatewayVariables.CHAT_REQUEST;
import static io.difygateway.openai.GatewayVariables.COMPLETION;
import static io.difygateway.openai.GatewayVariables.END_USER;
import static io.difygateway.openai.GatewayVariables.MODEL;

import java.io.InputStream;
import java.util.List;

import io.difygateway.config.ModelDefinition;
import io.difygateway.openai.ChatCompletion;
import io.difygateway.openai.ChatCompletionRequest;
import io.difygateway.openai.StreamWatchdog;
import io.difygateway.openaicompat.OpenAiCompatibleRequests;
import io.difygateway.sse.SseEventIterator;
import io.difygateway.sse.SseEvents;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The backend routes' shared steps as named processors (routes/upstream-blocks.camel.yaml lists them): watch the
 * completion, check the upstream's answer, split its body into events, write the mapped events, release the watch.
 * They read and write the flat exchange variables {@code watch} and {@code upstreamEvents} beside the front door's.
 */
@Configuration(proxyBeanMethods = false)
public class BackendSteps {

    /** Exchange variable: the completion's {@link StreamWatchdog.Watch}. */
    public static final String WATCH = "watch";
    /** Exchange variable: the upstream body's {@link SseEventIterator}, for the streaming split. */
    public static final String UPSTREAM_EVENTS = "upstreamEvents";

    /** model → headers: every header cleared, then only Authorization (Bearer key, when it has one) and Content-Type JSON. */
    @Bean
    Processor upstreamRequestHeaders() {
        return exchange -> {
            Message message = exchange.getMessage();
            message.getHeaders().clear();
            String key = model(exchange).apiKey();
            if (key != null && !key.isEmpty()) {
                message.setHeader("Authorization", "Bearer " + key);
            }
            message.setHeader(Exchange.CONTENT_TYPE, "application/json");
        };
    }

    /** completion, model → watch: keep-alives and the model's timeouts from now on. */
    @Bean
    Processor watchCompletion(StreamWatchdog watchdog) {
        return exchange -> exchange.setVariable(WATCH, watchdog.watch(completion(exchange), model(exchange)));
    }

    /** watch → released (also after a failure: the watch ends by itself once the completion is over). */
    @Bean
    Processor releaseWatch(StreamWatchdog watchdog) {
        return exchange -> watchdog.release(exchange.getVariable(WATCH, StreamWatchdog.Watch.class));
    }

    /** HTTP status, Content-Type, Retry-After, body → nothing for an event stream, else the closest OpenAI error. */
    @Bean
    Processor checkEventStreamAnswer(UpstreamErrors errors) {
        return exchange -> check(errors, exchange, "text/event-stream");
    }

    /** HTTP status, Content-Type, Retry-After, body → nothing for an NDJSON stream, else the closest OpenAI error. */
    @Bean
    Processor checkNdjsonAnswer(UpstreamErrors errors) {
        return exchange -> check(errors, exchange, "application/x-ndjson");
    }

    /** body (SSE) → upstreamEvents, attached to the watch; the response headers are cleared. */
    @Bean
    Processor openSseEvents(SseEvents events, StreamWatchdog watchdog) {
        return exchange -> openEvents(exchange, watchdog, events.iterate(body(exchange), completion(exchange)));
    }

    /** body (NDJSON) → upstreamEvents, attached to the watch; the response headers are cleared. */
    @Bean
    Processor openNdjsonEvents(SseEvents events, StreamWatchdog watchdog) {
        return exchange -> openEvents(exchange, watchdog, events.lines(body(exchange), completion(exchange)));
    }

    /** body (the completion events of one upstream event), completion → OpenAI chunks, written at once. */
    @Bean
    @SuppressWarnings("unchecked")
    Processor writeCompletionEvents() {
        return exchange -> completion(exchange).accept(exchange.getMessage().getBody(List.class));
    }

    /** chatRequest, model, endUser → body: the request for an OpenAI-compatible server. */
    @Bean
    Processor openAiCompatibleBody(OpenAiCompatibleRequests requests) {
        return exchange -> exchange.getMessage().setBody(requests.body(exchange.getVariable(CHAT_REQUEST, ChatCompletionRequest.class),
                model(exchange), exchange.getVariable(END_USER, String.class)));
    }

    /** chatRequest → messages: the conversation as a JSON array of {role, content} text messages. */
    @Bean
    Processor textMessages(OpenAiCompatibleRequests requests) {
        return exchange -> exchange.setVariable("messages", requests.textMessages(exchange.getVariable(CHAT_REQUEST, ChatCompletionRequest.class)));
    }

    private static void check(UpstreamErrors errors, Exchange exchange, String expectedType) {
        Message message = exchange.getMessage();
        errors.check(message.getHeader(Exchange.HTTP_RESPONSE_CODE, 0, Integer.class), message.getHeader(Exchange.CONTENT_TYPE, String.class),
                message.getHeader("Retry-After", String.class), body(exchange), model(exchange).id(), expectedType);
    }

    private static void openEvents(Exchange exchange, StreamWatchdog watchdog, SseEventIterator events) {
        exchange.getMessage().getHeaders().clear();
        exchange.setVariable(UPSTREAM_EVENTS, events);
        watchdog.attach(exchange.getVariable(WATCH, StreamWatchdog.Watch.class), events);
    }

    private static InputStream body(Exchange exchange) {
        return exchange.getMessage().getBody(InputStream.class);
    }

    private static ChatCompletion completion(Exchange exchange) {
        return exchange.getVariable(COMPLETION, ChatCompletion.class);
    }

    private static ModelDefinition model(Exchange exchange) {
        return exchange.getVariable(MODEL, ModelDefinition.class);
    }
}

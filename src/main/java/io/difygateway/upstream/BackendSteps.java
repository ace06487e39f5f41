package io.difygateway.upstream;

import static io.difygateway.frontdoor.GatewayVariables.COMPLETION;
import static io.difygateway.frontdoor.GatewayVariables.MODEL;

import java.io.InputStream;
import java.io.OutputStream;
import java.util.Locale;

import io.difygateway.completion.ChatCompletion;
import io.difygateway.completion.StreamWatchdog;
import io.difygateway.config.ModelDefinition;
import io.difygateway.frontdoor.GatewayVariables;
import jakarta.servlet.http.HttpServletResponse;
import io.difygateway.sse.SseEvents;
import io.difygateway.sse.UpstreamEvents;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;
import org.apache.camel.component.http.HttpMethods;
import org.apache.hc.core5.http.HttpEntity;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The backend routes' shared steps as named processors (routes/upstream-blocks.camel.yaml lists them): set up an
 * upstream call, watch the completion, check the upstream's answer, open its body as events, forward the mapped
 * events, release the watch. They read and write the flat exchange variables named here beside the front door's.
 */
@Configuration(proxyBeanMethods = false)
public class BackendSteps {

    /** Exchange variable: the completion's {@link StreamWatchdog.Watch}. */
    public static final String WATCH = "watch";
    /** Exchange variable: the upstream body's {@link UpstreamEvents}, for the streaming tail. */
    public static final String UPSTREAM_EVENTS = "upstreamEvents";
    /** Exchange variable: how the upstream answer is framed, {@code sse} (when absent) or {@code ndjson}. */
    public static final String UPSTREAM_FRAMING = "upstreamFraming";
    private static final String NDJSON = "ndjson";
    /** Exchange variable: the request's {@link EventMapper}, which the streaming tail applies to each upstream event. */
    public static final String EVENT_MAPPER = "eventMapper";
    /** Exchange variable: the URL of the next upstream call (with its query string, if any). */
    public static final String UPSTREAM_URL = "upstreamUrl";
    /** Exchange variable: the HTTP method of the next upstream call (POST when absent); the call removes it. */
    public static final String UPSTREAM_METHOD = "upstreamMethod";
    /** Exchange variable: the socket timeout in ms of the next unwatched upstream call; the call removes it. */
    public static final String UPSTREAM_TIMEOUT_MILLIS = "upstreamTimeoutMillis";
    /** Exchange variable: the conversation as a JSON array of {role, content} text messages ({@code chat-request-action}). */
    public static final String MESSAGES = "messages";
    /** Exchange variable: a JSON body's optional members, each followed by a comma ({@code chat-request-action}). */
    public static final String REQUEST_FIELDS = "requestFields";
    /** Exchange variable: the query string of the next upstream call, without '?' (none when absent); the call removes it. */
    public static final String UPSTREAM_QUERY = "upstreamQuery";
    /** Exchange variables: one more request header for every upstream call of the request (e.g. anthropic-version), and its value. */
    public static final String UPSTREAM_EXTRA_HEADER = "upstreamExtraHeader";
    public static final String UPSTREAM_EXTRA_HEADER_VALUE = "upstreamExtraHeaderValue";
    /** Exchange variable: the header that carries the model's key: Authorization (as Bearer, when absent) or e.g. api-key. */
    public static final String UPSTREAM_AUTH_HEADER = "upstreamAuthHeader";

    /**
     * upstreamUrl, upstreamQuery, upstreamMethod, upstreamTimeoutMillis, upstreamAuthHeader, upstreamExtraHeader, model,
     * body → exactly the call's headers: every header cleared, then the target (CamelHttpUri with the query string,
     * CamelHttpMethod, POST unless named), the model's key (Bearer in Authorization, or as it is in the named header), the
     * extra header when it has a value, Content-Type JSON unless the body is an entity that carries its own (a multipart
     * upload). upstreamQuery, upstreamMethod and upstreamTimeoutMillis are the one call's and removed.
     */
    @Bean
    Processor upstreamCallHeaders() {
        return exchange -> {
            Message message = exchange.getMessage();
            message.getHeaders().clear();
            String url = exchange.getVariable(UPSTREAM_URL, String.class);
            String query = exchange.getVariable(UPSTREAM_QUERY, String.class);
            if (query != null) {
                url = query.isBlank() ? url : url + (url.indexOf('?') < 0 ? '?' : '&') + query;
                exchange.removeVariable(UPSTREAM_QUERY);
            }
            message.setHeader(Exchange.HTTP_URI, url);
            String method = exchange.getVariable(UPSTREAM_METHOD, String.class);
            // as the enum camel-http reads: a String would go through the type converter on every call
            message.setHeader(Exchange.HTTP_METHOD, method == null ? HttpMethods.POST : HttpMethods.valueOf(method.toUpperCase(Locale.ROOT)));
            exchange.removeVariable(UPSTREAM_METHOD);
            Object timeout = exchange.getVariable(UPSTREAM_TIMEOUT_MILLIS);
            if (timeout != null) {
                message.setHeader(UpstreamCallInterceptor.TIMEOUT_HEADER, timeout);
                exchange.removeVariable(UPSTREAM_TIMEOUT_MILLIS);
            }
            String key = model(exchange).apiKey();
            if (key != null && !key.isEmpty()) {
                String header = exchange.getVariable(UPSTREAM_AUTH_HEADER, String.class);
                if (header == null || header.equalsIgnoreCase("Authorization")) {
                    message.setHeader("Authorization", "Bearer " + key);
                } else {
                    message.setHeader(header, key);
                }
            }
            String extraHeader = exchange.getVariable(UPSTREAM_EXTRA_HEADER, String.class);
            String extraValue = exchange.getVariable(UPSTREAM_EXTRA_HEADER_VALUE, String.class);
            if (extraHeader != null && !extraHeader.isBlank() && extraValue != null && !extraValue.isBlank()) {
                message.setHeader(extraHeader, extraValue);
            }
            if (!(message.getBody() instanceof HttpEntity)) {
                message.setHeader(Exchange.CONTENT_TYPE, "application/json");
            }
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

    /**
     * HTTP status, Content-Type, Retry-After, body, upstreamFraming → nothing for a stream of the expected type
     * (text/event-stream, or application/x-ndjson for NDJSON), else the closest OpenAI error.
     */
    @Bean
    Processor checkAnswer(UpstreamErrors errors) {
        return exchange -> {
            Message message = exchange.getMessage();
            errors.check(message.getHeader(Exchange.HTTP_RESPONSE_CODE, 0, Integer.class), message.getHeader(Exchange.CONTENT_TYPE, String.class),
                    message.getHeader("Retry-After", String.class), body(exchange), model(exchange).id(),
                    ndjson(exchange) ? "application/x-ndjson" : "text/event-stream");
        };
    }

    /**
     * HTTP status, Content-Type, body, httpResponse → an error answer as the closest OpenAI error; a success written to
     * the client as it arrives (its status and content type, flushed after every read): audio, or a passed-through answer.
     */
    @Bean
    Processor forwardAnswer(UpstreamErrors errors) {
        return exchange -> {
            Message message = exchange.getMessage();
            int status = message.getHeader(Exchange.HTTP_RESPONSE_CODE, 0, Integer.class);
            String contentType = message.getHeader(Exchange.CONTENT_TYPE, String.class);
            InputStream body = body(exchange);
            if (status < 200 || status >= 300) {
                String error = errors.errorBody(status, contentType, body, model(exchange).id(), "");
                UpstreamErrors.Reported reported = errors.parse(error);
                throw errors.toOpenAi(status, reported.code(), reported.message(), message.getHeader("Retry-After", String.class), model(exchange).id());
            }
            HttpServletResponse response = exchange.getVariable(GatewayVariables.HTTP_RESPONSE, HttpServletResponse.class);
            response.setStatus(status);
            response.setContentType(contentType == null ? "application/octet-stream" : contentType);
            OutputStream out = response.getOutputStream();
            byte[] buffer = new byte[16 * 1024];
            try (body) {
                for (int read; (read = body.read(buffer)) >= 0; ) {
                    out.write(buffer, 0, read);
                    out.flush();
                }
            }
            message.getHeaders().clear();
            message.setBody(null);
        };
    }

    /** HTTP status, Content-Type, Retry-After, body → nothing for a JSON success (a non-streamed call), else the closest OpenAI error. */
    @Bean
    Processor checkJsonAnswer(UpstreamErrors errors) {
        return exchange -> {
            Message message = exchange.getMessage();
            errors.check(message.getHeader(Exchange.HTTP_RESPONSE_CODE, 0, Integer.class), message.getHeader(Exchange.CONTENT_TYPE, String.class),
                    message.getHeader("Retry-After", String.class), body(exchange), model(exchange).id(), "application/json");
        };
    }

    /**
     * body, upstreamFraming → upstreamEvents (Server-Sent Events, or one per line for NDJSON), attached to the watch; the
     * response headers are cleared.
     */
    @Bean
    Processor openEvents(SseEvents events, StreamWatchdog watchdog) {
        return exchange -> {
            UpstreamEvents upstreamEvents = ndjson(exchange) ? events.ndjson(body(exchange), completion(exchange))
                    : events.sse(body(exchange), completion(exchange));
            exchange.getMessage().getHeaders().clear();
            exchange.setVariable(UPSTREAM_EVENTS, upstreamEvents);
            watchdog.attach(exchange.getVariable(WATCH, StreamWatchdog.Watch.class), upstreamEvents);
        };
    }

    /**
     * upstreamEvents, eventMapper, completion → every upstream event mapped and written as it arrives, flushed whenever
     * the next read would wait; the upstream connection dropped once the completion is over.
     */
    @Bean
    Processor forwardUpstreamEvents() {
        return exchange -> EventForwarding.forward(exchange.getVariable(UPSTREAM_EVENTS, UpstreamEvents.class),
                exchange.getVariable(EVENT_MAPPER, EventMapper.class), completion(exchange));
    }

    private static boolean ndjson(Exchange exchange) {
        return NDJSON.equals(exchange.getVariable(UPSTREAM_FRAMING, String.class));
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

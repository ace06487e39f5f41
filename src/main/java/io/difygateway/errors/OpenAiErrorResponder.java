package io.difygateway.errors;

import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.difygateway.completion.ChatCompletion;
import io.difygateway.completion.ClientDisconnectedException;
import io.difygateway.completion.StreamWatchdog;
import io.difygateway.config.ModelDefinition;
import io.difygateway.observability.RequestObserver;
import io.difygateway.sse.SseFormatException;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.hc.client5.http.ConnectTimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;
import org.springframework.stereotype.Component;

/**
 * Translates any failure of a request into what the client gets: an HTTP status with an OpenAI error body
 * before the stream started, one error chunk and {@code [DONE]} after it, nothing when the client is gone.
 */
@Component("openAiErrorResponder")
public class OpenAiErrorResponder {

    private static final Logger LOG = LoggerFactory.getLogger(OpenAiErrorResponder.class);

    private final ObjectMapper json;

    public OpenAiErrorResponder(ObjectMapper json) {
        this.json = json;
    }

    /** Answers the exchange's caught exception; the route's error handler calls it. */
    public void respond(Exchange exchange) {
        Throwable failure = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        ChatCompletion completion = exchange.getVariable("completion", ChatCompletion.class);
        ModelDefinition model = exchange.getVariable("model", ModelDefinition.class);
        Message message = exchange.getMessage();
        message.setBody(null);
        if (Causes.find(failure, ClientDisconnectedException.class) != null || (completion != null && completion.isClientGone())) {
            LOG.debug("Client of {} disconnected", model == null ? "?" : model.id());
            return;
        }
        // the socket timeout of the backend call guards the same deadlines as the stream watchdog
        boolean deadline = completion != null && model != null && completion.failure() == null
                && Causes.find(failure, SocketTimeoutException.class) != null;
        OpenAiException error = completion != null && completion.failure() != null ? completion.failure()
                : deadline ? StreamWatchdog.silenceTimeout(model, completion)
                : toOpenAi(failure, model == null ? null : model.id());
        exchange.setVariable("openAiError", error);
        if (error.status() >= 500) {
            // one line: what failed is in the message; an unexpected failure's stack trace was logged by toOpenAi
            LOG.warn("{} {} for model {} (request {}): {}", error.status(), error.code() == null ? "server_error" : error.code(),
                    model == null ? "-" : model.id(), exchange.getVariable(RequestObserver.REQUEST_ID, "-", String.class),
                    error.getMessage());
        } else {
            LOG.debug("{} for model {}: {}", error.status(), model == null ? "-" : model.id(), error.getMessage());
        }
        if (completion != null) {
            // also stops keep-alives from committing the response from now on
            if (deadline) {
                completion.timeOut(error);
            } else {
                completion.fail(error);
            }
            if (completion.isCommitted()) {
                return;
            }
        }
        message.setHeader(Exchange.HTTP_RESPONSE_CODE, error.status());
        message.setHeader(Exchange.CONTENT_TYPE, "application/json");
        error.responseHeaders().forEach(message::setHeader);
        message.setBody(write(error));
    }

    /** The OpenAI error for any failure; unexpected ones become a 500 without internal details. */
    static OpenAiException toOpenAi(Throwable failure, String model) {
        OpenAiException known = Causes.find(failure, OpenAiException.class);
        if (known != null) {
            return known;
        }
        if (Causes.find(failure, DataAccessException.class) != null) {
            // the shared conversation / rate-limit store (Redis), not the backend
            return new OpenAiException(503, "server_error", "store_unavailable", null,
                    "The gateway's shared store (gateway.conversations.store) is unavailable: try again shortly.",
                    Map.of("Retry-After", "1"));
        }
        String backend = model == null ? "the backend" : "the backend of model '" + model + "'";
        String unreachable = Causes.find(failure, ConnectTimeoutException.class) != null ? "connection timed out"
                : Causes.find(failure, UnknownHostException.class) != null ? "unknown host"
                : Causes.find(failure, NoRouteToHostException.class) != null ? "no route to host"
                : Causes.find(failure, ConnectException.class) != null ? "connection refused" : null;
        if (unreachable != null) {
            return new OpenAiException(502, "server_error", "upstream_unreachable", null,
                    "Cannot reach " + backend + ": " + unreachable + ".");
        }
        if (Causes.find(failure, SocketTimeoutException.class) != null) {
            return new OpenAiException(504, "server_error", "upstream_timeout", null,
                    capitalise(backend) + " sent nothing within its timeouts (gateway.upstream.timeouts).", OpenAiException.NO_RETRY);
        }
        if (Causes.find(failure, SseFormatException.class) != null) {
            return new OpenAiException(502, "server_error", "upstream_protocol_error", null,
                    capitalise(backend) + " sent a malformed event stream: " + Causes.find(failure, SseFormatException.class).getMessage());
        }
        java.io.IOException lost = Causes.find(failure, java.io.IOException.class);
        if (lost != null) {
            return new OpenAiException(502, "server_error", "upstream_connection_lost", null,
                    "The connection to " + backend + " failed: " + connectionFailure(lost) + ".", OpenAiException.NO_RETRY);
        }
        LOG.error("Unexpected failure", failure);
        return new OpenAiException(500, "server_error", null, null, "The gateway failed to process the request.");
    }

    /** What went wrong with a backend connection, in words (never a class name). */
    static String connectionFailure(java.io.IOException failure) {
        String message = failure.getMessage() == null ? "" : failure.getMessage().toLowerCase(java.util.Locale.ROOT);
        if (failure instanceof org.apache.hc.core5.http.NoHttpResponseException) {
            return "the backend closed the connection without answering";
        }
        if (failure instanceof org.apache.hc.core5.http.ConnectionClosedException || failure instanceof java.io.EOFException
                || message.contains("closed") || message.contains("premature end")) {
            return "the backend closed the connection before the answer was complete";
        }
        if (message.contains("reset")) {
            return "the backend reset the connection";
        }
        if (message.contains("broken pipe")) {
            return "the backend stopped reading the request";
        }
        if (failure instanceof javax.net.ssl.SSLException) {
            return "the TLS connection to the backend failed";
        }
        return "the connection broke while the answer was being read";
    }

    private static String capitalise(String text) {
        return Character.toUpperCase(text.charAt(0)) + text.substring(1);
    }

    private String write(OpenAiException error) {
        try {
            return json.writeValueAsString(error.toError().envelope());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise an error", e);
        }
    }
}

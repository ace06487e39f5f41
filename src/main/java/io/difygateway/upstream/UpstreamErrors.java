package io.difygateway.upstream;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.difygateway.errors.OpenAiException;
import io.difygateway.sse.UpstreamEvents;
import org.springframework.stereotype.Component;

/**
 * Translates any backend's HTTP answer that is not the expected stream into the closest OpenAI error, before
 * anything reached the client: a building block for backend routes. Understands the usual error bodies
 * ({@code {"error":{"message"}}}, {@code {"error":"..."}}, {@code {"message"}}, {@code {"detail"}}) and proxies'
 * HTML pages.
 */
@Component("upstreamErrors")
public class UpstreamErrors {

    private static final int MAX_ERROR_BODY = 64 * 1024;

    private final ObjectMapper json;

    public UpstreamErrors(ObjectMapper json) {
        this.json = json;
    }

    /** An error's code and message as a backend wrote them (either may be empty). */
    public record Reported(String code, String message) {
    }

    /**
     * Passes a successful answer of the expected content type ({@code text/event-stream}, {@code application/x-ndjson},
     * ...) through; throws the OpenAI error for anything else. The body of an error is read (bounded) and dropped.
     */
    public void check(int status, String contentType, String retryAfter, InputStream body, String model, String expectedType) {
        String error = errorBody(status, contentType, body, model, expectedType);
        if (error != null) {
            Reported reported = parse(error);
            throw toOpenAi(status, reported.code(), reported.message(), retryAfter, model);
        }
    }

    /**
     * Null for a successful answer of the expected content type; else the error body (read, bounded, and the
     * connection dropped). A success of another type (a wrong base URL, a proxy's page) is a protocol error.
     */
    public String errorBody(int status, String contentType, InputStream body, String model, String expectedType) {
        boolean expected = contentType != null && contentType.toLowerCase().startsWith(expectedType);
        if (status >= 200 && status < 300 && expected) {
            return null;
        }
        String text = read(body);
        if (status >= 200 && status < 300) {
            throw new OpenAiException(502, "server_error", "upstream_protocol_error", null,
                    "The backend of model '" + model + "' answered with " + (contentType == null ? "no content type" : contentType)
                            + " instead of " + expectedType + ". Check its base-url: for Dify it is the app's API base, ending in /v1.");
        }
        return text;
    }

    /** The code and message of an error body, whatever its shape. */
    public Reported parse(String body) {
        try {
            JsonNode error = json.readTree(body == null ? "" : body);
            if (error != null && error.isObject()) {
                JsonNode inner = error.get("error");
                if (inner != null && inner.isObject()) {
                    return new Reported(inner.path("code").asText(inner.path("type").asText("")), inner.path("message").asText(""));
                }
                String message = inner != null && inner.isTextual() ? inner.asText()
                        : error.path("message").asText(error.path("detail").isTextual() ? error.get("detail").asText() : "");
                return new Reported(error.path("code").asText(""), message);
            }
        } catch (IOException notJson) {
            // a proxy's HTML page: the status says it all
        }
        return new Reported("", "");
    }

    /** The closest OpenAI error for a backend's HTTP error. */
    public OpenAiException toOpenAi(int status, String code, String message, String retryAfter, String model) {
        String reason = message == null || message.isEmpty() ? "HTTP " + status
                : message + (code == null || code.isEmpty() ? "" : " (code " + code + ")");
        String upstreamCode = code == null || code.isEmpty() ? null : code;
        if (status == 401 || status == 403) {
            return new OpenAiException(502, "server_error", "upstream_auth_failed", null,
                    "The backend of model '" + model + "' refused the gateway's key (HTTP " + status + ": " + reason
                            + "). Check the api-key configured for model '" + model + "'.");
        }
        if (status == 429) {
            return new OpenAiException(429, "requests", "rate_limit_exceeded", null, "The backend of model '" + model + "' is busy: " + reason,
                    retryAfter == null || retryAfter.isBlank() ? Map.of() : Map.of("Retry-After", retryAfter.trim()));
        }
        if (status == 529) { // Anthropic's "overloaded": retried by clients like a 503
            return new OpenAiException(503, "server_error", upstreamCode == null ? "upstream_overloaded" : upstreamCode, null,
                    "The backend of model '" + model + "' is overloaded: " + reason,
                    retryAfter == null || retryAfter.isBlank() ? Map.of() : Map.of("Retry-After", retryAfter.trim()));
        }
        if (status == 400 || status == 404 || status == 413 || status == 422) {
            return new OpenAiException(status, "invalid_request_error", upstreamCode, null,
                    "The backend of model '" + model + "' rejected the request: " + reason);
        }
        return new OpenAiException(502, "server_error", upstreamCode == null ? "upstream_error" : upstreamCode, null,
                "The backend of model '" + model + "' failed: " + reason, status == 500 ? OpenAiException.NO_RETRY : Map.of());
    }

    private static String read(InputStream body) {
        if (body == null) {
            return "";
        }
        try {
            return new String(body.readNBytes(MAX_ERROR_BODY), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        } finally {
            UpstreamEvents.abort(body);
        }
    }
}

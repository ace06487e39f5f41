package io.difygateway.dify;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.difygateway.openai.OpenAiException;
import io.difygateway.sse.SseEventIterator;
import org.springframework.stereotype.Component;

/**
 * Translates a Dify HTTP answer that is not an event stream (a 4xx/5xx with a {@code {code, message, status}}
 * body, or an HTML page from a proxy) into the closest OpenAI error, before anything reached the client.
 */
@Component("difyErrorMapper")
public class DifyErrorMapper {

    private static final int MAX_ERROR_BODY = 64 * 1024;
    /** Dify 400 codes that mean the app or its model provider is misconfigured: the client cannot fix them. */
    private static final Set<String> APP_CONFIGURATION_CODES = Set.of(
            "not_chat_app", "app_unavailable", "provider_not_initialize", "model_currently_not_support");

    private final ObjectMapper json;

    public DifyErrorMapper(ObjectMapper json) {
        this.json = json;
    }

    /**
     * Passes a successful event-stream answer through; throws the OpenAI error for anything else.
     * The error body is read (bounded) and the connection released.
     */
    public void check(int status, String contentType, String retryAfter, InputStream body, String model) {
        boolean eventStream = contentType != null && contentType.toLowerCase().startsWith("text/event-stream");
        if (status >= 200 && status < 300 && eventStream) {
            return;
        }
        String text = read(body);
        if (status >= 200 && status < 300) {
            throw new OpenAiException(502, "server_error", "upstream_protocol_error", null,
                    "The backend of model '" + model + "' answered with " + (contentType == null ? "no content type" : contentType)
                            + " instead of an event stream. Check its base-url: it must be the app's API base, ending in /v1.");
        }
        throw toOpenAi(status, text, retryAfter, model);
    }

    /** Drops an answer that is not needed (a lost conversation's 404) together with its connection. */
    public void discard(InputStream body) {
        SseEventIterator.abort(body);
    }

    /** The OpenAI error for a Dify HTTP error status and body. */
    OpenAiException toOpenAi(int status, String body, String retryAfter, String model) {
        String code = "";
        String message = "";
        try {
            JsonNode error = json.readTree(body);
            if (error != null && error.isObject()) {
                code = error.path("code").asText("");
                message = error.path("message").asText("");
            }
        } catch (IOException notJson) {
            // a proxy's HTML page: report the status only
        }
        String reason = message.isEmpty() ? "HTTP " + status : message + (code.isEmpty() ? "" : " (Dify code " + code + ")");
        String upstreamCode = code.isEmpty() ? null : code;
        if (status == 401 || status == 403) {
            return new OpenAiException(502, "server_error", "upstream_auth_failed", null,
                    "The Dify app behind model '" + model + "' refused the gateway's app key (HTTP " + status + ": " + reason
                            + "). Check the api-key configured for model '" + model + "'.");
        }
        if (status == 429) {
            return new OpenAiException(429, "requests", "rate_limit_exceeded", null,
                    "The Dify app behind model '" + model + "' is busy: " + reason,
                    retryAfter == null || retryAfter.isBlank() ? Map.of() : Map.of("Retry-After", retryAfter.trim()));
        }
        if ("provider_quota_exceeded".equals(code)) {
            return new OpenAiException(429, "insufficient_quota", "insufficient_quota", null,
                    "The Dify app behind model '" + model + "' has no model quota left: " + reason);
        }
        if (status == 400 && APP_CONFIGURATION_CODES.contains(code)) {
            return new OpenAiException(502, "server_error", code, null,
                    "The Dify app behind model '" + model + "' cannot serve chat requests: " + reason
                            + ". Check its app-type and the app's model settings in Dify.");
        }
        if (status == 400 || status == 404 || status == 413 || status == 422) {
            return new OpenAiException(status, "invalid_request_error", upstreamCode, null,
                    "The Dify app behind model '" + model + "' rejected the request: " + reason);
        }
        // a 500 may come after the app ran part of the request; a 502/503/504 from a proxy is retried by the gateway
        return new OpenAiException(502, "server_error", upstreamCode == null ? "upstream_error" : upstreamCode, null,
                "The Dify app behind model '" + model + "' failed: " + reason, status == 500 ? OpenAiException.NO_RETRY : Map.of());
    }

    private static String read(InputStream body) {
        if (body == null) {
            return "";
        }
        try {
            byte[] bytes = body.readNBytes(MAX_ERROR_BODY);
            return new String(bytes, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        } finally {
            SseEventIterator.abort(body);
        }
    }
}

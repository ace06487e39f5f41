package io.difygateway.dify;

import java.io.InputStream;
import java.util.Map;
import java.util.Set;

import io.difygateway.errors.OpenAiException;
import io.difygateway.sse.UpstreamEvents;
import io.difygateway.upstream.UpstreamErrors;
import org.springframework.stereotype.Component;

/**
 * Translates a Dify HTTP answer that is not an event stream (a 4xx/5xx with a {@code {code, message, status}}
 * body, or an HTML page from a proxy) into the closest OpenAI error, before anything reached the client.
 */
@Component("difyErrorMapper")
public class DifyErrorMapper {

    /** Dify 400 codes that mean the app or its model provider is misconfigured: the client cannot fix them. */
    private static final Set<String> APP_CONFIGURATION_CODES = Set.of(
            "not_chat_app", "not_completion_app", "not_workflow_app", "app_unavailable", "agent_not_published", "provider_not_initialize",
            "model_currently_not_support", "workflow_version_execution_not_allowed");

    /** Dify's code for a model provider without quota, in an HTTP error body and in an in-stream error event. */
    static final String QUOTA_EXCEEDED = "provider_quota_exceeded";

    private final UpstreamErrors upstreamErrors;

    public DifyErrorMapper(UpstreamErrors upstreamErrors) {
        this.upstreamErrors = upstreamErrors;
    }

    /**
     * Passes a successful event-stream answer through; throws the OpenAI error for anything else.
     * The error body is read (bounded) and the connection released.
     */
    public void check(int status, String contentType, String retryAfter, InputStream body, String model) {
        String error = upstreamErrors.errorBody(status, contentType, body, model, "text/event-stream");
        if (error != null) {
            throw toOpenAi(status, error, retryAfter, model);
        }
    }

    /** Drops an answer that is not needed (a lost conversation's 404) together with its connection. */
    public void discard(InputStream body) {
        UpstreamEvents.abort(body);
    }

    /** OpenAI's error for an exhausted quota, whether Dify said so in its HTTP answer or in the stream. */
    static OpenAiException quotaExceeded(String app, String reason) {
        return new OpenAiException(429, "insufficient_quota", "insufficient_quota", null, app + " has no model quota left: " + reason,
                OpenAiException.NO_RETRY);
    }

    /** The OpenAI error for a Dify HTTP error status and body: Dify's own codes first, then what all backends share. */
    OpenAiException toOpenAi(int status, String body, String retryAfter, String model) {
        UpstreamErrors.Reported reported = upstreamErrors.parse(body);
        String code = reported.code();
        String reason = reported.message().isEmpty() ? "HTTP " + status : reported.message() + (code.isEmpty() ? "" : " (code " + code + ")");
        if (QUOTA_EXCEEDED.equals(code)) {
            return quotaExceeded("The Dify app behind model '" + model + "'", reason);
        }
        if ((status == 400 || status == 403) && APP_CONFIGURATION_CODES.contains(code)) {
            return new OpenAiException(502, "server_error", code, null,
                    "The Dify app behind model '" + model + "' cannot serve chat requests: " + reason
                            + ". Check its app-type and the app's model settings in Dify.");
        }
        return upstreamErrors.toOpenAi(status, code, reported.message(), retryAfter, model);
    }
}

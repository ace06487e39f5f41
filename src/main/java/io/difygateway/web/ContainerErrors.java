package io.difygateway.web;

import io.difygateway.errors.OpenAiError;

/** Translates an HTTP status that the servlet container set on its own into an OpenAI error in plain words. */
final class ContainerErrors {

    private ContainerErrors() {
    }

    /** The OpenAI error for a status Tomcat answered before the gateway saw the request. */
    static OpenAiError describe(int status) {
        return switch (status) {
            case 400 -> new OpenAiError("The request could not be read: its request line, path or headers are malformed"
                    + " (for example a NUL byte, an encoded '/' or '\\' in the path, or an invalid header).",
                    "invalid_request_error", null, "malformed_request");
            case 404 -> new OpenAiError("Unknown request URL. " + OpenAiErrorController.SERVED, "invalid_request_error", null,
                    "unknown_url");
            case 405 -> new OpenAiError("Method not allowed. " + OpenAiErrorController.SERVED, "invalid_request_error", null,
                    "method_not_allowed");
            case 408 -> new OpenAiError("The request was not received in time.", "invalid_request_error", null, "request_timeout");
            case 413 -> new OpenAiError("The request is larger than the gateway accepts.", "invalid_request_error", null,
                    "request_too_large");
            case 414 -> new OpenAiError("The request URL is longer than the gateway accepts.", "invalid_request_error", null,
                    "uri_too_long");
            case 431 -> new OpenAiError("The request headers are larger than the gateway accepts (server.max-http-request-header-size).",
                    "invalid_request_error", null, "request_header_too_large");
            case 501 -> new OpenAiError("The request uses an HTTP feature the gateway does not implement.", "invalid_request_error",
                    null, "not_implemented");
            case 505 -> new OpenAiError("The HTTP version of the request is not supported: use HTTP/1.1.", "invalid_request_error",
                    null, "http_version_not_supported");
            default -> status >= 500
                    ? new OpenAiError("The gateway failed to process the request.", "server_error", null, null)
                    : new OpenAiError("The request could not be processed (HTTP " + status + ").", "invalid_request_error", null, null);
        };
    }
}

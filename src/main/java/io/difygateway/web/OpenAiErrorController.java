package io.difygateway.web;

import io.difygateway.errors.OpenAiError;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.boot.web.servlet.error.ErrorController;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Translates the servlet container's own errors (unknown URL, wrong method, ...) into OpenAI error objects,
 * replacing Spring Boot's default error page, so that every answer of the gateway has the OpenAI shape.
 */
@RestController
public class OpenAiErrorController implements ErrorController {

    static final String SERVED = "This gateway serves GET /v1/models, GET /v1/models/{id}, POST /v1/chat/completions,"
            + " POST /v1/responses, GET or DELETE /v1/responses/{id}, POST /v1/embeddings, POST /v1/audio/transcriptions,"
            + " POST /v1/audio/speech, GET /v1/audio/voices and GET /v1/audio/models.";

    @RequestMapping("${server.error.path:${error.path:/error}}")
    public ResponseEntity<OpenAiError.Envelope> error(HttpServletRequest request) {
        Object code = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
        int status = code instanceof Integer value ? value : 500;
        Object uri = request.getAttribute(RequestDispatcher.ERROR_REQUEST_URI);
        String target = request.getMethod() + " " + (uri == null ? request.getRequestURI() : uri);
        OpenAiError error = switch (status) {
            case 404 -> new OpenAiError("Unknown request URL: " + target + ". " + SERVED, "invalid_request_error", null, "unknown_url");
            case 405 -> new OpenAiError("Method not allowed: " + target + ". " + SERVED, "invalid_request_error", null,
                    "method_not_allowed");
            default -> ContainerErrors.describe(status);
        };
        return ResponseEntity.status(HttpStatus.valueOf(status)).contentType(MediaType.APPLICATION_JSON).body(error.envelope());
    }
}

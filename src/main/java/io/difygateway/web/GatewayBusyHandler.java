package io.difygateway.web;

import io.difygateway.errors.OpenAiError;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.task.TaskRejectedException;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/**
 * Translates a full request thread pool into a retryable OpenAI error: on Java 17 every open stream holds one of
 * {@code spring.task.execution.pool.max-size} threads, and the request after the last one gets a 503 with
 * Retry-After instead of a 500 and a stack trace.
 */
@RestControllerAdvice
public class GatewayBusyHandler {

    private static final Logger LOG = LoggerFactory.getLogger(GatewayBusyHandler.class);

    @ExceptionHandler(TaskRejectedException.class)
    public ResponseEntity<OpenAiError.Envelope> busy(TaskRejectedException rejected) {
        LOG.warn("Request refused: every request thread is busy (spring.task.execution.pool.max-size open streams)");
        OpenAiError error = new OpenAiError("The gateway is at its limit of concurrent requests: try again shortly.",
                "server_error", null, "server_busy");
        return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE).header("Retry-After", "1")
                .contentType(MediaType.APPLICATION_JSON).body(error.envelope());
    }
}

package io.difygateway.web;

import java.io.IOException;

import org.apache.camel.Exchange;
import org.apache.camel.spi.ExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Exception handler of the platform-http consumers: after a client left mid-stream, the servlet container has
 * already given up the response, and the consumer's final write fails. That is expected and logged at DEBUG;
 * anything else is logged as a warning, like Camel's default handler.
 */
@Component("clientDisconnectExceptionHandler")
public class ClientDisconnectExceptionHandler implements ExceptionHandler {

    private static final Logger LOG = LoggerFactory.getLogger(ClientDisconnectExceptionHandler.class);

    @Override
    public void handleException(Throwable exception) {
        handleException(exception.getMessage(), null, exception);
    }

    @Override
    public void handleException(String message, Throwable exception) {
        handleException(message, null, exception);
    }

    @Override
    public void handleException(String message, Exchange exchange, Throwable exception) {
        if (afterClientLeft(exception)) {
            LOG.debug("{} (the client had disconnected)", message);
        } else {
            LOG.warn(message, exception);
        }
    }

    private static boolean afterClientLeft(Throwable exception) {
        for (Throwable t = exception; t != null; t = t.getCause()) {
            if (t instanceof IOException) {
                return true;
            }
            String text = String.valueOf(t.getMessage());
            if (t instanceof IllegalStateException
                    && (text.contains("not usable after response errors") || text.contains("has been recycled"))) {
                return true;
            }
        }
        return false;
    }
}

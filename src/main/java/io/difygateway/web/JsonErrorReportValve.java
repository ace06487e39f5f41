package io.difygateway.web;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.difygateway.errors.OpenAiError;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ErrorReportValve;

/**
 * Translates the errors Tomcat answers itself, before any servlet runs (a malformed request line, an encoded
 * {@code /} or NUL in the path, a header over the size limit), into OpenAI error objects instead of Tomcat's HTML
 * page, which also named the server. Installed as the host's error report valve.
 */
public class JsonErrorReportValve extends ErrorReportValve {

    private static final ObjectMapper JSON = new ObjectMapper();

    public JsonErrorReportValve() {
        setShowReport(false);
        setShowServerInfo(false);
    }

    @Override
    protected void report(Request request, Response response, Throwable throwable) {
        int status = response.getStatus();
        if (status < 400 || response.getContentWritten() > 0 || !response.setErrorReported()) {
            return;
        }
        if (status == 400 && isHeaderTooLarge(throwable)) {
            status = 431;
            response.setStatus(status);
        }
        OpenAiError error = ContainerErrors.describe(status);
        try {
            response.setContentType("application/json");
            response.setCharacterEncoding(StandardCharsets.UTF_8.name());
            Writer writer = response.getReporter();
            if (writer != null) {
                writer.write(JSON.writeValueAsString(error.envelope()));
                response.finishResponse();
            }
        } catch (IOException | IllegalStateException e) {
            // the client is gone or the response cannot take a body any more: nothing left to tell anyone
        }
    }

    private static boolean isHeaderTooLarge(Throwable throwable) {
        for (Throwable cause = throwable; cause != null; cause = cause.getCause()) {
            String message = cause.getMessage();
            if (message != null && message.toLowerCase(java.util.Locale.ROOT).contains("header is too large")) {
                return true;
            }
        }
        return false;
    }
}

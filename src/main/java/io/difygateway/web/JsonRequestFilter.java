package io.difygateway.web;

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.Enumeration;
import java.util.Locale;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.difygateway.config.GatewayProperties;
import io.difygateway.errors.OpenAiException;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Guards request bodies of the OpenAI API before the routes see them: a body over
 * {@code gateway.max-request-size} gets a 413, a multipart body a 415 (except at /v1/audio/transcriptions, where
 * it is the audio upload), and any other body is presented
 * as JSON whatever its Content-Type (so {@code curl -d} without a header works instead of being parsed
 * as a form). All errors are OpenAI error objects.
 */
public class JsonRequestFilter extends OncePerRequestFilter {

    private static final String JSON = "application/json";
    /** The one endpoint that takes a multipart form: OpenAI's audio upload. */
    private static final String MULTIPART_PATH = "/v1/audio/transcriptions";

    private final long maxBytes;
    private final ObjectMapper json;

    public JsonRequestFilter(GatewayProperties properties, ObjectMapper json) {
        this.maxBytes = properties.getMaxRequestSize().toBytes();
        this.json = json;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        String method = request.getMethod();
        return !("POST".equals(method) || "PUT".equals(method) || "PATCH".equals(method));
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String contentType = request.getContentType() == null ? "" : request.getContentType().toLowerCase(Locale.ROOT);
        boolean multipart = contentType.startsWith("multipart/");
        if (multipart && !MULTIPART_PATH.equals(request.getRequestURI())) {
            reject(response, new OpenAiException(415, "invalid_request_error", "unsupported_media_type", null,
                    "Content-Type " + contentType + " is not supported: send the request as application/json."));
            return;
        }
        if (request.getContentLengthLong() > maxBytes) {
            reject(response, tooLarge());
            return;
        }
        if (multipart) {
            chain.doFilter(request, response); // the servlet container reads the parts, within spring.servlet.multipart.*
            return;
        }
        byte[] body = request.getInputStream().readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1));
        if (body.length > maxBytes) {
            reject(response, tooLarge());
            return;
        }
        chain.doFilter(new JsonBodyRequest(request, body), response);
    }

    private OpenAiException tooLarge() {
        return new OpenAiException(413, "invalid_request_error", "request_too_large", null,
                "The request body is larger than the gateway's limit of " + maxBytes + " bytes (gateway.max-request-size).");
    }

    private void reject(HttpServletResponse response, OpenAiException error) throws IOException {
        response.setStatus(error.status());
        response.setContentType(JSON);
        response.setCharacterEncoding("UTF-8");
        // the unread rest of a rejected body is not worth draining
        response.setHeader("Connection", "close");
        json.writeValue(response.getOutputStream(), error.toError().envelope());
        // sent now: the container would otherwise hold it while it tries to swallow the unread body
        response.flushBuffer();
    }

    /** The request with its body read into memory and declared as UTF-8 JSON. */
    private static final class JsonBodyRequest extends HttpServletRequestWrapper {
        private final byte[] body;

        JsonBodyRequest(HttpServletRequest request, byte[] body) {
            super(request);
            this.body = body;
        }

        @Override
        public String getContentType() {
            return JSON;
        }

        @Override
        public String getCharacterEncoding() {
            return "UTF-8";
        }

        @Override
        public int getContentLength() {
            return body.length;
        }

        @Override
        public long getContentLengthLong() {
            return body.length;
        }

        @Override
        public String getHeader(String name) {
            if ("content-type".equalsIgnoreCase(name)) {
                return JSON;
            }
            if ("content-length".equalsIgnoreCase(name)) {
                return Integer.toString(body.length);
            }
            return super.getHeader(name);
        }

        @Override
        public Enumeration<String> getHeaders(String name) {
            if ("content-type".equalsIgnoreCase(name) || "content-length".equalsIgnoreCase(name)) {
                return Collections.enumeration(java.util.List.of(getHeader(name)));
            }
            return super.getHeaders(name);
        }

        @Override
        public ServletInputStream getInputStream() {
            ByteArrayInputStream in = new ByteArrayInputStream(body);
            return new ServletInputStream() {
                @Override
                public int read() {
                    return in.read();
                }

                @Override
                public int read(byte[] b, int off, int len) {
                    return in.read(b, off, len);
                }

                @Override
                public boolean isFinished() {
                    return in.available() == 0;
                }

                @Override
                public boolean isReady() {
                    return true;
                }

                @Override
                public void setReadListener(ReadListener listener) {
                    throw new UnsupportedOperationException("synchronous reads only");
                }
            };
        }

        @Override
        public BufferedReader getReader() {
            return new BufferedReader(new InputStreamReader(getInputStream(), StandardCharsets.UTF_8));
        }
    }
}

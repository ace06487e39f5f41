package io.difygateway.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.difygateway.support.GatewayTestBase;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;

/**
 * A generated corpus of malformed requests (JSON syntax, a valid body cut every few bytes, wrong types for every
 * field the gateway reads, encodings, sizes, headers, paths, methods), each sent over a raw socket: every answer is
 * a 4xx with a JSON body {"error":{"message","type","param","code"}} within a few seconds, naming no server, and
 * the gateway still serves after each one.
 */
class BadRequestCorpusTest extends GatewayTestBase {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long BOUND_MILLIS = 5000;
    private static final String VALID = "{\"model\":\"helpdesk\",\"stream\":true,\"messages\":[{\"role\":\"system\",\"content\":\"Be brief.\"},"
            + "{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"Grüße – what is 2+2?\"}]}]}";

    /** One raw HTTP request: what goes on the wire, byte for byte. */
    record Case(String name, byte[] request) {
    }

    @Test
    void everyMalformedRequestIsAnOpenAiShaped4xx() {
        List<Case> cases = corpus();
        assertThat(cases).hasSizeGreaterThanOrEqualTo(150);
        SoftAssertions.assertSoftly(soft -> {
            for (Case c : cases) {
                soft.assertThatCode(() -> assertOpenAiError(c)).as(c.name()).doesNotThrowAnyException();
            }
        });
    }

    @Test
    void requestsTomcatRefusesGetTheRightStatusAndCode() throws Exception {
        Map<String, Integer> statuses = new LinkedHashMap<>();
        Map<String, String> codes = new LinkedHashMap<>();
        for (String path : List.of("/v1/models/%00", "/v1/models/..%2F..%2Fetc%2Fpasswd")) {
            Response response = send(raw(path, "GET " + path + " HTTP/1.1\r\nHost: gw\r\nConnection: close\r\n\r\n").request());
            statuses.put(path, response.status());
            codes.put(path, JSON.readTree(response.body()).at("/error/code").asText());
        }
        Response big = send(raw("big", "GET /v1/models HTTP/1.1\r\nHost: gw\r\nX-Big: " + "a".repeat(65_536) + "\r\n\r\n").request());
        statuses.put("64 KB header", big.status());
        codes.put("64 KB header", JSON.readTree(big.body()).at("/error/code").asText());
        assertThat(statuses).containsExactly(Map.entry("/v1/models/%00", 400), Map.entry("/v1/models/..%2F..%2Fetc%2Fpasswd", 400),
                Map.entry("64 KB header", 431));
        assertThat(codes.values()).containsExactly("malformed_request", "malformed_request", "request_header_too_large");
    }

    private void assertOpenAiError(Case c) throws IOException, InterruptedException {
        long start = System.nanoTime();
        Response response = send(c.request());
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertThat(millis).as("answered within the bound").isLessThan(BOUND_MILLIS);
        assertThat(response.status()).as(response.toString()).isBetween(400, 499);
        assertThat(response.headers().getOrDefault("content-type", "")).as(response.toString()).startsWith("application/json");
        JsonNode error = JSON.readTree(response.body()).get("error");
        assertThat(error).as(response.toString()).isNotNull();
        assertThat(error.get("message").isTextual()).isTrue();
        assertThat(error.get("type").isTextual()).isTrue();
        assertThat(error.has("param") && error.has("code")).isTrue();
        String all = response.toString().toLowerCase(Locale.ROOT);
        assertThat(all).doesNotContain("tomcat").doesNotContain("apache").doesNotContain("exception").doesNotContain("jackson")
                .doesNotContain("<html");
        assertThat(get("/v1/models").statusCode()).as("the gateway still serves after it").isEqualTo(200);
    }

    private List<Case> corpus() {
        List<Case> cases = new ArrayList<>();
        // syntax
        for (String body : List.of("", " ", "{", "}", "[", "nul", "null", "true", "42", "\"text\"", "[]", "{}", "{\"model\":}",
                "{\"model\":\"helpdesk\",}", "{'model':'helpdesk'}", "{\"model\":NaN}", "{\"model\":\"helpdesk\" /* c */}",
                "{\"model\":\"helpdesk\"\"messages\":[]}", "{\"model\":\"\\x41\"}", "{\"model\":\"\\uZZZZ\"}", "{\"model\":\"a\nb\"}",
                "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", "\u00EF\u00BB\u00BF{", "{\"model\":01}", "{\"model\":1e99999}")) {
            cases.add(post("syntax " + JSON_ESCAPE(body), body));
        }
        cases.add(post("nested arrays 5000 deep", "[".repeat(5000)));
        cases.add(post("nested objects 3000 deep", "{\"a\":".repeat(3000)));
        cases.add(post("nested inside a valid field", "{\"model\":\"helpdesk\",\"messages\":" + "[".repeat(2000) + "]".repeat(2000) + "}"));
        // a valid body cut every 3 bytes (also inside the multi-byte characters)
        byte[] valid = VALID.getBytes(StandardCharsets.UTF_8);
        for (int length = 0; length < valid.length; length += 3) {
            cases.add(post("cut at byte " + length, java.util.Arrays.copyOf(valid, length)));
        }
        // wrong types for every field
        Map<String, String> wrong = new LinkedHashMap<>();
        for (String value : List.of("3", "[]", "{}", "true", "null", "\"\"", "\"  \"")) {
            wrong.put("model " + value, "{\"model\":" + value + ",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        }
        wrong.put("unknown model", "{\"model\":\"no-such-model\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        for (String value : List.of("\"hi\"", "{}", "3", "true", "null", "[]", "[1]", "[\"hi\"]", "[null]", "[[]]",
                "[{\"role\":\"system\",\"content\":\"x\"}]", "[{\"role\":\"user\",\"content\":[{\"type\":\"image_url\",\"image_url\":{\"url\":\"https://x/y.png\"}}]}]")) {
            wrong.put("messages " + value, "{\"model\":\"helpdesk\",\"messages\":" + value + "}");
        }
        for (String message : List.of("{\"content\":\"hi\"}", "{\"role\":3,\"content\":\"hi\"}", "{\"role\":\"bot\",\"content\":\"hi\"}",
                "{\"role\":\"user\",\"content\":3}", "{\"role\":\"user\",\"content\":{}}", "{\"role\":\"user\",\"content\":true}",
                "{\"role\":\"user\",\"content\":[3]}", "{\"role\":\"user\",\"content\":[{}]}", "{\"role\":\"user\",\"content\":[{\"type\":3}]}",
                "{\"role\":\"user\",\"content\":[{\"type\":\"text\"}]}", "{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":5}]}",
                "{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"a\"},{\"type\":\"image_url\"}]}",
                "{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"a\"},{\"type\":\"image_url\",\"image_url\":{\"url\":\"data:image/png;base64,!!!!\"}}]}",
                "{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"a\"},{\"type\":\"image_url\",\"image_url\":{\"url\":\"data:text/html;base64,PGI+\"}}]}",
                "{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"a\"},{\"type\":\"image_url\",\"image_url\":{\"url\":\"javascript:alert(1)\"}}]}",
                "{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"a\"},{\"type\":\"file\",\"file\":{\"file_id\":\"file-1\"}}]}",
                "{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"a\"},{\"type\":\"file\",\"file\":{\"file_data\":\"%%%\"}}]}",
                "{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"a\"},{\"type\":\"input_audio\",\"input_audio\":{}}]}")) {
            wrong.put("message " + message, "{\"model\":\"helpdesk\",\"messages\":[" + message + "]}");
        }
        String hi = "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]";
        for (String field : List.of("\"stream\":\"true\"", "\"stream\":1", "\"stream_options\":\"x\"", "\"stream_options\":{\"include_usage\":\"yes\"}",
                "\"tools\":\"all\"", "\"tools\":{}", "\"tools\":[1]", "\"tools\":[{\"type\":\"function\"}]",
                "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"\"}}]", "\"tool_choice\":\"sometimes\"", "\"tool_choice\":[]",
                "\"tool_choice\":{\"type\":\"function\",\"function\":{}}", "\"response_format\":\"json\"", "\"response_format\":{\"type\":\"xml\"}",
                "\"response_format\":{\"type\":\"json_schema\"}", "\"stop\":1", "\"stop\":[\"a\",\"b\",\"c\",\"d\",\"e\"]", "\"stop\":[null]",
                "\"n\":0", "\"n\":\"2\"", "\"n\":5", "\"logprobs\":1", "\"top_logprobs\":2", "\"logprobs\":true,\"top_logprobs\":99",
                "\"max_tokens\":0", "\"max_tokens\":1.5", "\"max_tokens\":\"10\"", "\"max_completion_tokens\":-5",
                "\"temperature\":-1", "\"temperature\":\"warm\"", "\"top_p\":2", "\"frequency_penalty\":9", "\"seed\":\"x\"",
                "\"parallel_tool_calls\":\"yes\"")) {
            wrong.put(field, "{\"model\":\"helpdesk\"," + hi + "," + field + "}");
        }
        wrong.forEach((name, body) -> cases.add(post("field " + name, body)));
        // encodings
        cases.add(post("invalid UTF-8 in the model", concat("{\"model\":\"".getBytes(StandardCharsets.US_ASCII), new byte[] {(byte) 0xff, (byte) 0xfe},
                ("\"," + hi + "}").getBytes(StandardCharsets.US_ASCII))));
        cases.add(post("UTF-16 body", ("{\"model\":\"helpdesk\"," + hi + "}").getBytes(StandardCharsets.UTF_16)));
        cases.add(post("NUL bytes", "\0\0\0\0"));
        cases.add(post("lone surrogate model", "{\"model\":\"\\ud800\"," + hi + "}"));
        // sizes
        cases.add(post("body over the size limit", "{\"model\":\"helpdesk\",\"messages\":[{\"role\":\"user\",\"content\":\"" + "x".repeat(70_000) + "\"}]}"));
        cases.add(raw("declared length over the limit", "POST /v1/chat/completions HTTP/1.1\r\nHost: gw\r\nContent-Type: application/json\r\n"
                + "Content-Length: 99999999\r\nConnection: close\r\n\r\n{}"));
        cases.add(raw("64 KB header", "GET /v1/models HTTP/1.1\r\nHost: gw\r\nX-Big: " + "a".repeat(65_536) + "\r\nConnection: close\r\n\r\n"));
        cases.add(raw("16 KB URL", "GET /v1/models/" + "a".repeat(16_384) + " HTTP/1.1\r\nHost: gw\r\nConnection: close\r\n\r\n"));
        StringBuilder manyHeaders = new StringBuilder("GET /v1/models HTTP/1.1\r\nHost: gw\r\n");
        for (int i = 0; i < 150; i++) {
            manyHeaders.append("X-H").append(i).append(": v\r\n");
        }
        cases.add(raw("150 headers", manyHeaders + "Connection: close\r\n\r\n"));
        // headers
        cases.add(raw("multipart body", "POST /v1/chat/completions HTTP/1.1\r\nHost: gw\r\nContent-Type: multipart/form-data; boundary=x\r\n"
                + "Content-Length: 4\r\nConnection: close\r\n\r\n--x\n"));
        cases.add(raw("header name with a space", "GET /v1/models HTTP/1.1\r\nHost: gw\r\nBad Header: x\r\nConnection: close\r\n\r\n"));
        cases.add(raw("header line without a colon", "GET /v1/models HTTP/1.1\r\nHost: gw\r\nNoColonHere\r\nConnection: close\r\n\r\n"));
        cases.add(raw("no Host header", "GET /v1/models HTTP/1.1\r\nConnection: close\r\n\r\n"));
        cases.add(raw("two Host headers", "GET /v1/models HTTP/1.1\r\nHost: a\r\nHost: b\r\nConnection: close\r\n\r\n"));
        cases.add(raw("bad Content-Length", "POST /v1/chat/completions HTTP/1.1\r\nHost: gw\r\nContent-Length: ten\r\nConnection: close\r\n\r\n"));
        cases.add(raw("control character in a header", "GET /v1/models HTTP/1.1\r\nHost: gw\r\nX-A: a\u0001b\r\nConnection: close\r\n\r\n"));
        // paths
        for (String path : List.of("/v1/models/%00", "/v1/models/..%2F..%2Fetc%2Fpasswd", "/v1/models/a%2Fb", "/v1/models/a%5Cb",
                "/v1/models/%ZZ", "/v1/models/%", "/v1/models/%C0%AE%C0%AE", "/v1/../../etc/passwd", "/v1/unknown", "/v1/chat/completions/x",
                "/v1/completions", "/v1/embeddings/", "/", "/v2/models", "/v1/models/a\u007fb", "/v1/models/<script>")) {
            cases.add(raw("path " + path, "GET " + path + " HTTP/1.1\r\nHost: gw\r\nConnection: close\r\n\r\n"));
        }
        // methods
        for (String line : List.of("GET /v1/chat/completions", "PUT /v1/chat/completions", "DELETE /v1/chat/completions",
                "PATCH /v1/models", "POST /v1/models", "DELETE /v1/models/helpdesk", "BREW /v1/models", "TRACE /v1/models",
                "get /v1/models", "GET /v1/models HTTP/1.1 extra")) {
            String requestLine = line.endsWith("extra") ? line : line + " HTTP/1.1";
            cases.add(raw("method " + line, requestLine + "\r\nHost: gw\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"));
        }
        return cases;
    }

    private static String JSON_ESCAPE(String text) {
        return text.length() > 40 ? text.substring(0, 40) + "…" : text;
    }

    private static Case post(String name, String body) {
        return post(name, body.getBytes(StandardCharsets.UTF_8));
    }

    private static Case post(String name, byte[] body) {
        byte[] head = ("POST /v1/chat/completions HTTP/1.1\r\nHost: gw\r\nContent-Type: application/json\r\nContent-Length: " + body.length
                + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        return new Case(name, concat(head, body));
    }

    private static Case raw(String name, String request) {
        return new Case(name, request.getBytes(StandardCharsets.ISO_8859_1));
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    /** A parsed HTTP response. */
    record Response(int status, Map<String, String> headers, String body) {
    }

    private Response send(byte[] request) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout((int) BOUND_MILLIS);
            OutputStream out = socket.getOutputStream();
            try {
                out.write(request);
                out.flush();
            } catch (IOException closedEarly) {
                // the server may answer and close before reading all of a request it refused
            }
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream received = new ByteArrayOutputStream();
            byte[] buffer = new byte[8192];
            try {
                for (int n; !complete(received.toByteArray()) && (n = in.read(buffer)) > 0; ) {
                    received.write(buffer, 0, n);
                }
            } catch (java.net.SocketException reset) {
                // a reset after the answer: what arrived is what counts
            }
            return parse(received.toByteArray());
        }
    }

    /** Whether a whole response arrived (a client need not wait for the connection to close). */
    private static boolean complete(byte[] bytes) {
        String text = new String(bytes, StandardCharsets.ISO_8859_1);
        int end = text.indexOf("\r\n\r\n");
        if (end < 0) {
            return false;
        }
        java.util.regex.Matcher length = java.util.regex.Pattern.compile("(?im)^content-length:\\s*(\\d+)").matcher(text.substring(0, end));
        if (length.find()) {
            return bytes.length >= end + 4 + Integer.parseInt(length.group(1));
        }
        return text.endsWith("\r\n0\r\n\r\n");
    }

    private static Response parse(byte[] bytes) {
        String text = new String(bytes, StandardCharsets.ISO_8859_1); // framing is in bytes; the body is decoded at the end
        int end = text.indexOf("\r\n\r\n");
        assertThat(end).as("a complete response head: " + text).isPositive();
        String[] lines = text.substring(0, end).split("\r\n");
        int status = Integer.parseInt(lines[0].split(" ")[1]);
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim());
        }
        String body = text.substring(end + 4);
        if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
            StringBuilder joined = new StringBuilder();
            int at = 0;
            while (at < body.length()) {
                int lineEnd = body.indexOf("\r\n", at);
                int size = Integer.parseInt(body.substring(at, lineEnd).trim(), 16);
                if (size == 0) {
                    break;
                }
                joined.append(body, lineEnd + 2, lineEnd + 2 + size);
                at = lineEnd + 2 + size + 2;
            }
            body = joined.toString();
        }
        return new Response(status, headers, new String(body.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8));
    }
}

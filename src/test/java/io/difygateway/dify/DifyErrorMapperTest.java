package io.difygateway.dify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.difygateway.errors.OpenAiException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DifyErrorMapperTest {

    private final DifyErrorMapper mapper = new DifyErrorMapper(new io.difygateway.upstream.UpstreamErrors(new ObjectMapper()));

    private static ByteArrayInputStream body(String text) {
        return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void anEventStreamPassesThrough() {
        assertThatCode(() -> mapper.check(200, "text/event-stream; charset=utf-8", null, body("data: x\n\n"), "helpdesk"))
                .doesNotThrowAnyException();
    }

    @Test
    void aSuccessThatIsNotAnEventStreamIsAProtocolError() {
        assertThatThrownBy(() -> mapper.check(200, "text/html", null, body("<html>"), "helpdesk"))
                .isInstanceOfSatisfying(OpenAiException.class, e -> {
                    assertThat(e.status()).isEqualTo(502);
                    assertThat(e.getMessage()).contains("helpdesk").contains("base-url");
                });
    }

    @ParameterizedTest(name = "Dify {0} {1} -> {2}")
    @CsvSource(delimiter = '|', value = {
            "401 | unauthorized               | 502 | upstream_auth_failed     | refused the gateway's key",
            "403 | app_api_disabled           | 502 | upstream_auth_failed     | refused the gateway's key",
            "400 | invalid_param              | 400 | invalid_param            | rejected the request",
            "400 | not_chat_app               | 502 | not_chat_app             | cannot serve chat requests",
            "400 | not_workflow_app           | 502 | not_workflow_app         | cannot serve chat requests",
            "400 | agent_not_published        | 502 | agent_not_published      | cannot serve chat requests",
            "403 | workflow_version_execution_not_allowed | 502 | workflow_version_execution_not_allowed | cannot serve chat requests",
            "400 | provider_quota_exceeded    | 429 | insufficient_quota       | no model quota left",
            "404 | not_found                  | 404 | not_found                | rejected the request",
            "413 | file_too_large             | 413 | file_too_large           | rejected the request",
            "429 | too_many_requests          | 429 | rate_limit_exceeded      | is busy",
            "500 | internal_server_error      | 502 | internal_server_error    | failed",
            "503 | service_unavailable        | 502 | service_unavailable      | failed",
    })
    void mapsDifyErrorsToTheClosestOpenAiError(int status, String code, int expectedStatus, String expectedCode, String text) {
        String body = "{\"code\": \"" + code + "\", \"message\": \"Dify says no\", \"status\": " + status + "}\n";
        assertThatThrownBy(() -> mapper.check(status, "application/json", "7", body(body), "helpdesk"))
                .isInstanceOfSatisfying(OpenAiException.class, e -> {
                    assertThat(e.status()).isEqualTo(expectedStatus);
                    assertThat(e.code()).isEqualTo(expectedCode);
                    assertThat(e.getMessage()).contains("helpdesk").contains("Dify says no").contains(text);
                });
    }

    @Test
    void a429KeepsRetryAfter() {
        assertThatThrownBy(() -> mapper.check(429, "application/json", "12", body("{\"code\":\"too_many_requests\",\"message\":\"slow down\"}"), "m"))
                .isInstanceOfSatisfying(OpenAiException.class, e -> assertThat(e.responseHeaders()).containsEntry("Retry-After", "12"));
    }

    @Test
    void anHtmlErrorPageFromAProxyIsReportedByStatus() {
        assertThatThrownBy(() -> mapper.check(504, "text/html", null, body("<html><body>Gateway Time-out</body></html>"), "m"))
                .isInstanceOfSatisfying(OpenAiException.class, e -> {
                    assertThat(e.status()).isEqualTo(502);
                    assertThat(e.getMessage()).contains("HTTP 504").doesNotContain("<html>");
                });
    }
}

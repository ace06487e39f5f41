package io.difygateway.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.difygateway.config.GatewayConfigException;
import io.difygateway.config.GatewayProperties;
import io.difygateway.errors.OpenAiException;
import io.difygateway.frontdoor.ChatCompletionRequest;
import io.difygateway.frontdoor.ChatMessage;
import org.junit.jupiter.api.Test;

class EndUserResolverTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant NOW = Instant.parse("2026-11-26T12:00:00Z");
    private static final String SECRET = "open-webui-forwarding-secret";

    private static ChatCompletionRequest request(String user) {
        return new ChatCompletionRequest("m", List.of(new ChatMessage("user", "hi")), false, false, user);
    }

    private static EndUserResolver resolver(String secret, String... sources) {
        GatewayProperties properties = new GatewayProperties();
        properties.setDefaultUser("fallback");
        properties.getIdentity().setJwtSecret(secret);
        if (sources.length > 0) {
            properties.getIdentity().setSources(List.of(sources));
        }
        return new EndUserResolver(properties, JSON, Clock.fixed(NOW, ZoneOffset.UTC));
    }

    static String token(String secret, String alg, String claims) {
        Base64.Encoder base64 = Base64.getUrlEncoder().withoutPadding();
        String header = base64.encodeToString(("{\"alg\":\"" + alg + "\",\"typ\":\"JWT\"}").getBytes(StandardCharsets.UTF_8));
        String payload = base64.encodeToString(claims.getBytes(StandardCharsets.UTF_8));
        return header + "." + payload + "." + base64.encodeToString(SignedUserToken.hmac(secret, header + "." + payload));
    }

    private static String claims(String sub, long exp) {
        return "{\"sub\":\"" + sub + "\",\"email\":\"jane@example.com\",\"name\":\"Jane\",\"role\":\"user\",\"iss\":\"open-webui\","
                + "\"iat\":" + (exp - 600) + ",\"exp\":" + exp + "}";
    }

    @Test
    void aValidSignedHeaderNamesTheUser() {
        String jwt = token(SECRET, "HS256", claims("8f6b0c3e", NOW.getEpochSecond() + 60));
        assertThat(resolver(SECRET).resolve(request("ignored"), Map.of("x-openwebui-user-jwt", jwt), Caller.ANONYMOUS)).isEqualTo("8f6b0c3e");
    }

    @Test
    void aBadSignatureAWrongAlgorithmOrAnExpiredTokenIsA401() {
        long later = NOW.getEpochSecond() + 60;
        for (String jwt : List.of(token("another-secret", "HS256", claims("u", later)),
                token(SECRET, "HS512", claims("u", later)),
                token(SECRET, "HS256", claims("u", NOW.getEpochSecond() - 1)),
                token(SECRET, "HS256", claims("u", later)).replaceFirst("\\.[^.]+\\.", ".e30."),
                "not-a-token")) {
            assertThatThrownBy(() -> resolver(SECRET).resolve(request(null), Map.of("X-OpenWebUI-User-Jwt", jwt), Caller.ANONYMOUS))
                    .as(jwt).isInstanceOfSatisfying(OpenAiException.class, e -> {
                        assertThat(e.status()).isEqualTo(401);
                        assertThat(e.code()).isEqualTo("invalid_user_token");
                    });
        }
    }

    @Test
    void withASecretThePlainUserHeadersAreNotTrusted() {
        assertThat(resolver(SECRET).resolve(request("sdk-user"), Map.of("X-OpenWebUI-User-Id", "spoofed"), Caller.ANONYMOUS)).isEqualTo("sdk-user");
        assertThat(resolver(null).resolve(request("sdk-user"), Map.of("X-OpenWebUI-User-Id", "8f6b"), Caller.ANONYMOUS)).isEqualTo("8f6b");
    }

    @Test
    void withoutASecretASignedHeaderIsIgnored() {
        String jwt = token(SECRET, "HS256", claims("u", NOW.getEpochSecond() + 60));
        assertThat(resolver(null).resolve(request(null), Map.of("X-OpenWebUI-User-Jwt", jwt), Caller.ANONYMOUS)).isEqualTo("fallback");
    }

    @Test
    void theEmailHeaderIsUsedWhenThereIsNoIdAndTheDefaultLast() {
        assertThat(resolver(null).resolve(request(null), Map.of("X-OpenWebUI-User-Email", "jane%40example.com"), Caller.ANONYMOUS)).isEqualTo("jane@example.com");
        assertThat(resolver(null).resolve(request(null), Map.of(), Caller.ANONYMOUS)).isEqualTo("fallback");
    }

    @Test
    void theOrderOfSourcesIsConfigurable() {
        assertThat(resolver(null).resolve(request(null), Map.of(), new Caller("open-webui", java.util.Set.of("*"), null, null)))
                .as("the client key's name before the default").isEqualTo("open-webui");
        EndUserResolver fieldFirst = resolver(null, "user-field", "openwebui-headers", "default");
        assertThat(fieldFirst.resolve(request("sdk-user"), Map.of("X-OpenWebUI-User-Id", "8f6b"), Caller.ANONYMOUS)).isEqualTo("sdk-user");
        assertThatThrownBy(() -> resolver(null, "ldap")).isInstanceOf(GatewayConfigException.class).hasMessageContaining("ldap");
    }
}

package io.difygateway.identity;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Base64;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** Verifies an HS256 JSON Web Token (Open WebUI's {@code X-OpenWebUI-User-Jwt}) and reads its claims. */
final class SignedUserToken {

    private SignedUserToken() {
    }

    /** The verified claims; throws {@link IllegalArgumentException} saying what is wrong. */
    static JsonNode verify(String token, String secret, Instant now, ObjectMapper json) {
        String[] parts = token.trim().split("\\.");
        if (parts.length != 3) {
            throw new IllegalArgumentException("not a JSON Web Token");
        }
        JsonNode header = decode(parts[0], json);
        if (!"HS256".equals(header.path("alg").asText())) {
            throw new IllegalArgumentException("algorithm " + header.path("alg").asText("none") + " is not HS256");
        }
        byte[] expected = hmac(secret, parts[0] + "." + parts[1]);
        byte[] actual;
        try {
            actual = Base64.getUrlDecoder().decode(parts[2]);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the signature is not base64url");
        }
        if (!MessageDigest.isEqual(expected, actual)) {
            throw new IllegalArgumentException("the signature does not match");
        }
        JsonNode claims = decode(parts[1], json);
        if (claims.has("exp") && claims.get("exp").asLong() < now.getEpochSecond()) {
            throw new IllegalArgumentException("the token has expired");
        }
        if (claims.has("nbf") && claims.get("nbf").asLong() > now.getEpochSecond() + 60) {
            throw new IllegalArgumentException("the token is not valid yet");
        }
        return claims;
    }

    static byte[] hmac(String secret, String data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return mac.doFinal(data.getBytes(StandardCharsets.US_ASCII));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }

    private static JsonNode decode(String part, ObjectMapper json) {
        try {
            JsonNode node = json.readTree(Base64.getUrlDecoder().decode(part));
            if (node == null || !node.isObject()) {
                throw new IllegalArgumentException("a token part is not a JSON object");
            }
            return node;
        } catch (IllegalArgumentException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalArgumentException("a token part is not base64url JSON");
        }
    }
}

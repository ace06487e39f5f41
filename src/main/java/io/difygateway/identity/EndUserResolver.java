package io.difygateway.identity;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.difygateway.config.GatewayConfigException;
import io.difygateway.config.GatewayProperties;
import io.difygateway.config.IdentityProperties;
import io.difygateway.errors.OpenAiException;
import io.difygateway.frontdoor.ChatCompletionRequest;
import io.difygateway.frontdoor.RequestHeaders;
import org.springframework.stereotype.Component;

/**
 * Translates who is asking into the backend's end-user id (Dify's {@code user}), from the sources of
 * {@code gateway.identity.sources} in order: Open WebUI's signed user header, its plain user headers (not
 * trusted once a signing secret is set), the OpenAI {@code user} string, the name of the client key, the
 * configured default. The same person gets the same id on every turn and every instance.
 */
@Component("endUsers")
public class EndUserResolver {

    static final Set<String> SOURCES = Set.of("openwebui-jwt", "openwebui-headers", "user-field", "key-name", "default");

    private final IdentityProperties identity;
    private final String defaultUser;
    private final ObjectMapper json;
    private final Clock clock;

    public EndUserResolver(GatewayProperties properties, ObjectMapper json, Clock clock) {
        this.identity = properties.getIdentity();
        this.defaultUser = properties.getDefaultUser();
        this.json = json;
        this.clock = clock;
        for (String source : identity.getSources()) {
            if (!SOURCES.contains(source)) {
                throw new GatewayConfigException("gateway.identity.sources names an unknown source '" + source + "'.",
                        "Use " + String.join(", ", List.copyOf(new java.util.TreeSet<>(SOURCES))) + ".");
            }
        }
    }

    /** The end-user id for a request; a bad signed user header is a 401. */
    public String resolve(ChatCompletionRequest request, Map<String, Object> headers, Caller caller) {
        return resolve(request.user(), headers, caller);
    }

    /** The end user of a request whose OpenAI {@code user} field is {@code requestUser} (may be null). */
    public String resolve(String requestUser, Map<String, Object> headers, Caller caller) {
        for (String source : identity.getSources()) {
            String user = switch (source) {
                case "openwebui-jwt" -> fromToken(RequestHeaders.first(headers, identity.getJwtHeader()));
                case "openwebui-headers" -> hasSecret() ? null : fromHeaders(headers);
                case "user-field" -> requestUser;
                case "key-name" -> caller.keyName();
                default -> defaultUser;
            };
            if (user != null && !user.isBlank()) {
                return user.trim();
            }
        }
        return defaultUser;
    }

    private boolean hasSecret() {
        return identity.getJwtSecret() != null && !identity.getJwtSecret().isBlank();
    }

    private String fromToken(String token) {
        if (token == null || token.isBlank() || !hasSecret()) {
            return null;
        }
        try {
            JsonNode claims = SignedUserToken.verify(token, identity.getJwtSecret(), clock.instant(), json);
            String subject = claims.path("sub").asText("");
            return subject.isBlank() ? claims.path("email").asText(null) : subject;
        } catch (IllegalArgumentException e) {
            throw new OpenAiException(401, "invalid_request_error", "invalid_user_token", null,
                    "The signed user header " + identity.getJwtHeader() + " was rejected: " + e.getMessage() + ".");
        }
    }

    private String fromHeaders(Map<String, Object> headers) {
        String id = RequestHeaders.first(headers, identity.getUserIdHeader());
        if (id != null && !id.isBlank()) {
            return id;
        }
        String email = RequestHeaders.first(headers, identity.getUserEmailHeader());
        // Open WebUI URL-encodes the user's name; do the same for the e-mail, harmlessly
        return email == null ? null : URLDecoder.decode(email, StandardCharsets.UTF_8);
    }
}

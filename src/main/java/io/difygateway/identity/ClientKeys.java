package io.difygateway.identity;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.difygateway.config.ClientKey;
import io.difygateway.config.GatewayConfigException;
import io.difygateway.config.GatewayProperties;
import io.difygateway.config.ModelRegistry;
import io.difygateway.errors.OpenAiException;
import io.difygateway.frontdoor.RequestHeaders;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Translates an {@code Authorization: Bearer} header into the {@link Caller} whose client key it is, comparing in
 * constant time; with no keys configured everyone is {@link Caller#ANONYMOUS} (and a warning says so at startup).
 * Decides which models a caller may see and use: others are a 404 for that caller.
 */
@Component("clientKeys")
public class ClientKeys {

    private static final Logger LOG = LoggerFactory.getLogger(ClientKeys.class);

    private record Entry(byte[] keyDigest, Caller caller) {
    }

    private final List<Entry> entries = new ArrayList<>();

    public ClientKeys(GatewayProperties properties, ModelRegistry models) {
        Set<String> names = new HashSet<>();
        Set<String> digests = new HashSet<>();
        List<ClientKey> keys = properties.getAuth().getKeys();
        for (int i = 0; i < keys.size(); i++) {
            ClientKey key = keys.get(i);
            String path = "gateway.auth.keys[" + i + "]";
            if (key.getName() == null || key.getName().isBlank()) {
                throw new GatewayConfigException(path + ".name is missing.", "Name every client key (it appears in logs and metrics).");
            }
            if (key.getKey() == null || key.getKey().isBlank()) {
                throw new GatewayConfigException(path + ".key (for '" + key.getName() + "') is missing or empty.",
                        "Set it from an environment variable or a mounted secret file, e.g. key: ${GATEWAY_KEY_OPENWEBUI}.");
            }
            if (key.getKey().trim().length() < 16) {
                throw new GatewayConfigException(path + ".key (for '" + key.getName() + "') is shorter than 16 characters.",
                        "Use a long random key, e.g. from: openssl rand -hex 32.");
            }
            if (!names.add(key.getName())) {
                throw new GatewayConfigException(path + ".name '" + key.getName() + "' is used twice.", "Give every key its own name.");
            }
            byte[] digest = sha256(key.getKey().trim());
            if (!digests.add(new String(digest, StandardCharsets.ISO_8859_1))) {
                throw new GatewayConfigException(path + ".key (for '" + key.getName() + "') is the same as another key.",
                        "Give every client its own key.");
            }
            Set<String> allowed = new LinkedHashSet<>(key.getModels());
            for (String model : allowed) {
                if (!"*".equals(model) && models.all().stream().noneMatch(m -> m.id().equals(model))) {
                    throw new GatewayConfigException(path + ".models names '" + model + "', which is not a configured model.",
                            "Use model ids from gateway.models, or *.");
                }
            }
            entries.add(new Entry(digest, new Caller(key.getName(), Set.copyOf(allowed),
                    positive(key.getRequestsPerMinute(), path + ".requests-per-minute"),
                    positive(key.getConcurrentStreams(), path + ".concurrent-streams"))));
        }
        if (!entries.isEmpty()) {
            // the start-up warm-up's own key, random per start, for its hidden model only
            entries.add(new Entry(sha256(models.warmUpClientKey()), new Caller("warm-up", Set.of(models.warmUpModelName()), null, null)));
        } else {
            LOG.warn("""

                    *****************************************************************************************
                    * No client keys are configured (gateway.auth.keys): ANYONE who can reach this gateway  *
                    * can use every model and spend your Dify quota. Configure keys before exposing it.     *
                    *****************************************************************************************""");
        }
    }

    /** The caller of a request; a missing or unknown key is a 401 when keys are configured. */
    public Caller authenticate(Map<String, Object> headers) {
        if (entries.isEmpty()) {
            return Caller.ANONYMOUS;
        }
        String authorization = RequestHeaders.first(headers, "Authorization");
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7) || authorization.length() <= 7) {
            throw unauthorized("Missing API key: send it as 'Authorization: Bearer <key>'.");
        }
        byte[] presented = sha256(authorization.substring(7).trim());
        Caller found = null;
        for (Entry entry : entries) {
            // every key is compared, in constant time, so the time taken says nothing about which key matched
            if (MessageDigest.isEqual(entry.keyDigest(), presented) && found == null) {
                found = entry.caller();
            }
        }
        if (found == null) {
            throw unauthorized("Incorrect API key provided.");
        }
        return found;
    }

    /** Passes when the caller may use the model; else the same 404 as for a model that does not exist. */
    public void permit(Caller caller, String model) {
        if (model != null && !caller.mayUse(model)) {
            throw OpenAiException.modelNotFound(model);
        }
    }

    private static OpenAiException unauthorized(String message) {
        return new OpenAiException(401, "invalid_request_error", "invalid_api_key", null, message);
    }

    private static Integer positive(Integer value, String key) {
        if (value != null && value <= 0) {
            throw new GatewayConfigException(key + " must be a positive number, not " + value + ".", "Remove it for no limit.");
        }
        return value;
    }

    private static byte[] sha256(String key) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }
}

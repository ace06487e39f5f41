package io.difygateway.identity;

import java.time.Instant;

/** Signed Open WebUI user tokens for tests in other packages. */
public final class EndUserResolverTestTokens {

    private EndUserResolverTestTokens() {
    }

    /** A token for a user, valid for ten minutes from now. */
    public static String valid(String secret, String subject) {
        long exp = Instant.now().getEpochSecond() + 600;
        return EndUserResolverTest.token(secret, "HS256", "{\"sub\":\"" + subject + "\",\"email\":\"" + subject
                + "@example.com\",\"iss\":\"open-webui\",\"exp\":" + exp + "}");
    }
}

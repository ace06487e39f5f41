package io.difygateway.config;

import java.util.ArrayList;
import java.util.List;

/** {@code gateway.identity.*}. */
public class IdentityProperties {
    /** Where the Dify user comes from, first match wins: openwebui-jwt, openwebui-headers, user-field, key-name, default. */
    private List<String> sources = new ArrayList<>(List.of("openwebui-jwt", "openwebui-headers", "user-field", "key-name", "default"));
    /** Secret of Open WebUI's signed user header; when set, the unsigned user headers are not trusted. */
    private String jwtSecret;
    private String jwtHeader = "X-OpenWebUI-User-Jwt";
    private String userIdHeader = "X-OpenWebUI-User-Id";
    private String userEmailHeader = "X-OpenWebUI-User-Email";

    public List<String> getSources() {
        return sources;
    }

    public void setSources(List<String> sources) {
        this.sources = sources;
    }

    public String getJwtSecret() {
        return jwtSecret;
    }

    public void setJwtSecret(String jwtSecret) {
        this.jwtSecret = jwtSecret;
    }

    public String getJwtHeader() {
        return jwtHeader;
    }

    public void setJwtHeader(String jwtHeader) {
        this.jwtHeader = jwtHeader;
    }

    public String getUserIdHeader() {
        return userIdHeader;
    }

    public void setUserIdHeader(String userIdHeader) {
        this.userIdHeader = userIdHeader;
    }

    public String getUserEmailHeader() {
        return userEmailHeader;
    }

    public void setUserEmailHeader(String userEmailHeader) {
        this.userEmailHeader = userEmailHeader;
    }
}

package io.difygateway.config;

/** {@code gateway.env-model.*}: adds one Dify app when {@code base-url} is set (from DIFY_BASE_URL). */
public class EnvModelProperties extends ModelProperties {
    private String id = "dify";

    public String getId() {
        return id;
    }

    public void setId(String id) {
        this.id = id;
    }
}

package io.difygateway.config;

import java.util.ArrayList;
import java.util.List;

/** One client key: {@code gateway.auth.keys[n].*}. */
public class ClientKey extends RateLimitProperties {
    private String key;
    private String name;
    private List<String> models = new ArrayList<>(List.of("*"));

    public String getKey() {
        return key;
    }

    public void setKey(String key) {
        this.key = key;
    }

    public String getName() {
        return name;
    }

    public void setName(String name) {
        this.name = name;
    }

    public List<String> getModels() {
        return models;
    }

    public void setModels(List<String> models) {
        this.models = models;
    }

    @Override
    public String toString() {
        return "ClientKey[name=" + name + ", models=" + models + "]";
    }
}

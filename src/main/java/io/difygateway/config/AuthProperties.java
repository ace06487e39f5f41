package io.difygateway.config;

import java.util.ArrayList;
import java.util.List;

/** {@code gateway.auth.*}. */
public class AuthProperties {
    /** Client keys; when there is at least one, every /v1 call needs one. Values from the environment or a secret file. */
    private List<ClientKey> keys = new ArrayList<>();

    public List<ClientKey> getKeys() {
        return keys;
    }

    public void setKeys(List<ClientKey> keys) {
        this.keys = keys;
    }
}

package io.difygateway.config;

/** The configuration cannot work; startup stops with this message, which names the offending key. */
public class GatewayConfigException extends RuntimeException {

    private final String action;

    public GatewayConfigException(String message, String action) {
        super(message);
        this.action = action;
    }

    /** What the operator should do about it. */
    public String action() {
        return action;
    }
}

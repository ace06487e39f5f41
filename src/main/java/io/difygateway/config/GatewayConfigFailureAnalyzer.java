package io.difygateway.config;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Turns a {@link GatewayConfigException} into Spring Boot's short "APPLICATION FAILED TO START" report. */
public class GatewayConfigFailureAnalyzer extends AbstractFailureAnalyzer<GatewayConfigException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, GatewayConfigException cause) {
        return new FailureAnalysis(cause.getMessage(), cause.action(), cause);
    }
}

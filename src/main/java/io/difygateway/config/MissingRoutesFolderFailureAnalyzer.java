package io.difygateway.config;

import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.core.env.Environment;

/** Turns Camel's failure to open a route folder that does not exist into a report naming the folder and the property. */
public class MissingRoutesFolderFailureAnalyzer extends AbstractFailureAnalyzer<NoSuchFileException> {

    private final Environment environment;

    public MissingRoutesFolderFailureAnalyzer(Environment environment) {
        this.environment = environment;
    }

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, NoSuchFileException cause) {
        String pattern = environment.getProperty("camel.main.routes-include-pattern");
        if (pattern == null || !pattern.contains("file:")) {
            return null;
        }
        return new FailureAnalysis("No route files were found: the folder " + Path.of(cause.getFile()).toAbsolutePath()
                + " does not exist (camel.main.routes-include-pattern=" + pattern + ", resolved against the working directory "
                + Path.of("").toAbsolutePath() + ").",
                "Start the gateway from the folder that holds config/ and routes/, or set camel.main.routes-include-pattern to "
                        + "absolute locations, e.g. file:/opt/gateway/routes/*.yaml,file:/opt/gateway/routes/backends/*.yaml.", cause);
    }
}

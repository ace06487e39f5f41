package io.difygateway.config;

import java.util.Optional;

/** What a backend knows about a model's app (its own name and description), for the model list. */
public interface ModelDescriptions {

    /** The app's own name, if known. */
    Optional<String> name(ModelDefinition model);

    /** The app's own description, if known. */
    Optional<String> description(ModelDefinition model);
}

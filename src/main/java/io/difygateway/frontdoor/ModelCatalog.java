package io.difygateway.frontdoor;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.difygateway.config.ModelDefinition;
import io.difygateway.config.ModelDescriptions;
import io.difygateway.config.ModelRegistry;
import io.difygateway.errors.OpenAiException;
import io.difygateway.identity.Caller;
import org.springframework.stereotype.Component;

/**
 * Translates the configured models, and what their apps say about themselves, into OpenAI's
 * {@code GET /v1/models} and {@code /v1/models/{id}} bodies.
 */
@Component("modelCatalog")
public class ModelCatalog {

    private final ModelRegistry registry;
    private final List<ModelDescriptions> descriptions;
    private final ObjectMapper json;
    private final long created;

    public ModelCatalog(ModelRegistry registry, List<ModelDescriptions> descriptions, ObjectMapper json, Clock clock) {
        this.created = clock.instant().getEpochSecond();
        this.registry = registry;
        this.descriptions = descriptions;
        this.json = json;
    }

    /** {@code {"object":"list","data":[...]}} with every model the caller may use. */
    public String list(Caller caller) {
        List<Map<String, Object>> data = registry.all().stream().filter(model -> caller.mayUse(model.id())).map(this::model).toList();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("object", "list");
        body.put("data", data);
        return write(body);
    }

    /** One model object, or a 404 {@code model_not_found} error (also for a model the caller may not use). */
    public String get(String id, Caller caller) {
        ModelDefinition model = registry.resolve(id);
        if (!caller.mayUse(model.id())) {
            throw OpenAiException.modelNotFound(id);
        }
        return write(model(model));
    }

    private Map<String, Object> model(ModelDefinition model) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("id", model.id());
        body.put("object", "model");
        body.put("created", created);
        body.put("owned_by", model.backend());
        body.put("name", model.displayName() != null ? model.displayName() : known(d -> d.name(model)).orElse(model.id()));
        known(d -> d.description(model)).ifPresent(description -> body.put("description", description));
        return body;
    }

    /** The first answer any backend's descriptions have; they only read caches, never call the backend. */
    private Optional<String> known(Function<ModelDescriptions, Optional<String>> question) {
        return descriptions.stream().map(question).flatMap(Optional::stream).filter(text -> !text.isBlank()).findFirst();
    }

    private String write(Object body) {
        try {
            return json.writeValueAsString(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise the model list", e);
        }
    }
}

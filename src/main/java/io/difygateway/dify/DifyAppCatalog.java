package io.difygateway.dify;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.difygateway.config.ModelDefinition;
import io.difygateway.config.ModelDescriptions;
import io.difygateway.config.ModelRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Keeps what each Dify app says about itself ({@code GET /info}: name, description; {@code GET /parameters}:
 * input form, file-upload settings), read by the routes in the background and, the first time, before a
 * request that needs it. Readers only see the cache: a slow or dead Dify never slows them down.
 */
@Component("difyAppCatalog")
public class DifyAppCatalog implements ModelDescriptions {

    private static final Logger LOG = LoggerFactory.getLogger(DifyAppCatalog.class);
    /** After a failed read, requests do not try again before this. */
    static final Duration RETRY_AFTER_FAILURE = Duration.ofSeconds(30);

    private final ModelRegistry registry;
    private final ObjectMapper json;
    private final Clock clock;
    private final Map<String, DifyAppMetadata> apps = new ConcurrentHashMap<>();
    private final Map<String, Instant> lastAttempt = new ConcurrentHashMap<>();
    private final Map<String, String> lastFailure = new ConcurrentHashMap<>();

    public DifyAppCatalog(ModelRegistry registry, ObjectMapper json, Clock clock) {
        this.registry = registry;
        this.json = json;
        this.clock = clock;
    }

    /** The models served by Dify apps, for the background refresh. */
    public List<ModelDefinition> difyModels() {
        return registry.all().stream().filter(model -> "dify".equals(model.backend())).toList();
    }

    /**
     * True when a request should read the app's metadata first: not read yet, and no recent failed attempt (a read in
     * progress elsewhere, the background refresh's, does not count: the request reads too rather than go on without).
     */
    public boolean needsRead(ModelDefinition model) {
        DifyAppMetadata known = apps.get(model.id());
        if (known != null && known.inputForm() != null) {
            return false;
        }
        Instant attempt = lastAttempt.get(model.id());
        return attempt == null || !lastFailure.containsKey(model.id()) || attempt.plus(RETRY_AFTER_FAILURE).isBefore(clock.instant());
    }

    /** Marks the start of a read. */
    public void reading(ModelDefinition model) {
        lastAttempt.put(model.id(), clock.instant());
    }

    /** Takes the answer of {@code GET /info}. */
    public void acceptInfo(ModelDefinition model, int status, String body) {
        JsonNode info = parse(model, "/info", status, body);
        if (info != null) {
            apps.merge(model.id(), DifyAppMetadata.UNKNOWN.withInfo(text(info, "name"), text(info, "description"), text(info, "mode")),
                    (old, fresh) -> old.withInfo(fresh.name(), fresh.description(), fresh.mode()));
        }
    }

    /** Takes the answer of {@code GET /parameters}. */
    public void acceptParameters(ModelDefinition model, int status, String body) {
        JsonNode parameters = parse(model, "/parameters", status, body);
        if (parameters != null) {
            List<DifyAppMetadata.InputField> form = inputForm(parameters.path("user_input_form"));
            DifyAppMetadata.FileUploadSettings files = fileUpload(parameters.path("file_upload"));
            JsonNode speech = parameters.path("text_to_speech");
            DifyAppMetadata.AudioSettings audio = new DifyAppMetadata.AudioSettings(parameters.path("speech_to_text").path("enabled").asBoolean(false),
                    speech.path("enabled").asBoolean(false), speech.path("voice").isTextual() && !speech.get("voice").asText().isBlank() ? speech.get("voice").asText() : null);
            apps.merge(model.id(), DifyAppMetadata.UNKNOWN.withParameters(form, files, audio),
                    (old, fresh) -> old.withParameters(fresh.inputForm(), fresh.files(), fresh.audio()));
            if (lastFailure.remove(model.id()) != null) {
                LOG.info("Read the Dify app behind model '{}' again", model.id());
            }
        }
    }

    /**
     * Takes the answer of {@code GET /site}: its title and description replace /info's where set. Optional: an app whose
     * web site is off, or an older Dify, answers otherwise, and nothing changes.
     */
    public void acceptSite(ModelDefinition model, int status, String body) {
        if (status != 200) {
            return;
        }
        try {
            JsonNode site = json.readTree(body);
            if (site != null && site.isObject()) {
                apps.computeIfPresent(model.id(), (id, old) -> old.withSite(text(site, "title"), text(site, "description")));
            }
        } catch (JsonProcessingException notJson) {
            // nothing to take
        }
    }

    /**
     * The app type the stream is read as: the configured one, except that an app whose /info says it is a Dify 1.16
     * Agent app ({@code mode: agent}) is read as one when it was configured as another chat type.
     */
    public DifyAppType appType(ModelDefinition model) {
        DifyAppType configured = DifyAppType.of(model.dify().appType());
        return configured.isChat() && "agent".equals(metadata(model).mode()) ? DifyAppType.AGENT : configured;
    }

    /** Records a read that failed before an answer came (connection refused, timeout). */
    public void failed(ModelDefinition model, Exception failure) {
        remember(model, failure.getClass().getSimpleName() + ": " + failure.getMessage());
    }

    /** What is known about the app; {@link DifyAppMetadata#UNKNOWN} fields are null when nothing was read. */
    public DifyAppMetadata metadata(ModelDefinition model) {
        return apps.getOrDefault(model.id(), DifyAppMetadata.UNKNOWN);
    }

    /** Why the last read failed, if it did. */
    public Optional<String> lastFailure(ModelDefinition model) {
        return Optional.ofNullable(lastFailure.get(model.id()));
    }

    @Override
    public Optional<String> name(ModelDefinition model) {
        return Optional.ofNullable(metadata(model).name());
    }

    @Override
    public Optional<String> description(ModelDefinition model) {
        return Optional.ofNullable(metadata(model).description());
    }

    private JsonNode parse(ModelDefinition model, String path, int status, String body) {
        if (status < 200 || status >= 300) {
            remember(model, "GET " + path + " answered HTTP " + status);
            return null;
        }
        try {
            JsonNode node = json.readTree(body == null ? "" : body);
            if (node != null && node.isObject()) {
                return node;
            }
        } catch (IOException e) {
            // reported below
        }
        remember(model, "GET " + path + " did not answer a JSON object");
        return null;
    }

    private void remember(ModelDefinition model, String failure) {
        if (!failure.equals(lastFailure.put(model.id(), failure))) {
            LOG.warn("Cannot read the Dify app behind model '{}': {} (names and input forms stay as they were)", model.id(), failure);
        }
    }

    private static List<DifyAppMetadata.InputField> inputForm(JsonNode form) {
        List<DifyAppMetadata.InputField> fields = new ArrayList<>();
        for (JsonNode item : form) {
            // each item is a one-key object: {"text-input": {"label", "variable", "required", "default", ...}}
            item.fields().forEachRemaining(entry -> {
                JsonNode field = entry.getValue();
                String variable = text(field, "variable");
                if (variable != null) {
                    JsonNode defaultValue = field.get("default");
                    fields.add(new DifyAppMetadata.InputField(variable, text(field, "label"), entry.getKey(),
                            field.path("required").asBoolean(false),
                            defaultValue == null || defaultValue.isNull() || "".equals(defaultValue.asText(null))
                                    ? null : defaultValue.isTextual() ? defaultValue.asText() : defaultValue,
                            field.path("max_length").canConvertToInt() && field.path("max_length").asInt() > 0 ? field.get("max_length").asInt() : null));
                }
            });
        }
        return List.copyOf(fields);
    }

    /** Reads both the current ({@code enabled}, {@code allowed_file_types}) and the older ({@code image}) shape. */
    private static DifyAppMetadata.FileUploadSettings fileUpload(JsonNode upload) {
        JsonNode image = upload.path("image");
        boolean enabled = upload.path("enabled").asBoolean(false);
        List<String> types = new ArrayList<>();
        upload.path("allowed_file_types").forEach(type -> types.add(type.asText()));
        boolean images = image.path("enabled").asBoolean(false) || (enabled && (types.isEmpty() || types.contains("image")));
        boolean documents = enabled && types.contains("document");
        int limit = upload.path("number_limits").asInt(image.path("number_limits").asInt(images || documents ? 3 : 0));
        List<String> methods = new ArrayList<>();
        (upload.has("allowed_file_upload_methods") ? upload.path("allowed_file_upload_methods") : image.path("transfer_methods"))
                .forEach(method -> methods.add(method.asText()));
        boolean anyMethod = methods.isEmpty();
        return new DifyAppMetadata.FileUploadSettings(images, documents, limit,
                anyMethod || methods.contains("remote_url"), anyMethod || methods.contains("local_file"));
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() || value.asText().isBlank() ? null : value.asText();
    }
}

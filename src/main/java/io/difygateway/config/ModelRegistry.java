package io.difygateway.config;

import java.net.URI;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

import io.difygateway.completion.ReasoningMode;
import io.difygateway.errors.OpenAiException;
import org.springframework.boot.web.context.WebServerInitializedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Resolves an OpenAI model id to its validated {@link ModelDefinition}: the configured models, the Dify
 * app from environment variables, and the built-in demo model. Invalid configuration stops startup with
 * a message that names the key.
 */
@Component("modelRegistry")
public class ModelRegistry {

    /** Dify app types the dify backend serves. */
    public static final Set<String> DIFY_APP_TYPES = Set.of("chat", "agent-chat", "agent", "advanced-chat", "completion", "workflow");
    public static final String DEMO_MODEL_ID = "demo";
    public static final String DEMO_PATH = "/demo/dify/v1";
    /** The warm-up model's id, in metrics; requests name it by {@link #warmUpModelName()}, which changes on every start. */
    public static final String WARM_UP_MODEL_ID = "gateway-warm-up";

    private static final Pattern MODEL_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]*");
    private static final Pattern BACKEND_NAME = Pattern.compile("[a-z0-9][a-z0-9-]*");
    private static final Pattern OPTION_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]*");

    private final Map<String, ModelDefinition> models;
    private final boolean demoEnabled;
    private final String globalTaskModel;
    private final Timeouts demoTimeouts;
    private final String demoApiKey = "app-demo-" + UUID.randomUUID();
    private final String warmUpModelName = "warm-up-" + UUID.randomUUID();
    private final String warmUpClientKey = "gw-warm-up-" + UUID.randomUUID();
    private final String warmUpAppKey = "app-warm-up-" + UUID.randomUUID();
    private volatile ModelDefinition warmUpModel;

    public ModelRegistry(GatewayProperties properties) {
        Map<String, ModelDefinition> configured = new LinkedHashMap<>();
        Timeouts defaults = properties.getUpstream().getTimeouts();
        properties.getModels().forEach((id, model) -> add(configured, id, model, "gateway.models." + id, defaults));
        EnvModelProperties envModel = properties.getEnvModel();
        if (envModel.getBaseUrl() != null && !envModel.getBaseUrl().isBlank()) {
            if (configured.containsKey(envModel.getId())) {
                throw new GatewayConfigException("gateway.env-model.id '" + envModel.getId()
                        + "' (DIFY_MODEL) is already configured under gateway.models.",
                        "Set DIFY_MODEL to another model id.");
            }
            add(configured, envModel.getId(), envModel, "gateway.env-model", defaults);
        }
        String globalTaskModel = blankToNull(properties.getTasks().getModel());
        for (ModelDefinition model : configured.values()) {
            String taskModel = model.taskModel() != null ? model.taskModel() : globalTaskModel;
            if (taskModel != null && !configured.containsKey(taskModel)) {
                throw new GatewayConfigException((model.taskModel() != null ? "gateway.models." + model.id() + ".task-model"
                        : "gateway.tasks.model") + " '" + taskModel + "' is not a configured model.", "Name a model from gateway.models.");
            }
        }
        this.globalTaskModel = globalTaskModel;
        this.demoTimeouts = defaults;
        this.demoEnabled = switch (properties.getDemo().getEnabled()) {
            case "auto" -> configured.isEmpty();
            case "true" -> true;
            case "false" -> false;
            default -> throw new GatewayConfigException("gateway.demo.enabled must be auto, true or false, not '"
                    + properties.getDemo().getEnabled() + "'.", "Fix gateway.demo.enabled.");
        };
        if (configured.containsKey(WARM_UP_MODEL_ID)) {
            throw new GatewayConfigException("gateway.models." + WARM_UP_MODEL_ID + " clashes with the start-up warm-up's model.",
                    "Rename the model.");
        }
        if (demoEnabled && configured.containsKey(DEMO_MODEL_ID)) {
            throw new GatewayConfigException("gateway.models.demo clashes with the built-in demo model.",
                    "Rename the model or set gateway.demo.enabled=false.");
        }
        this.models = Collections.synchronizedMap(configured);
    }

    /** Adds the demo model and the hidden warm-up model once the port they are served on is known. */
    @EventListener
    public void onWebServerStarted(WebServerInitializedEvent event) {
        if (event.getApplicationContext().getParent() != null) {
            return;
        }
        String baseUrl = "http://127.0.0.1:" + event.getWebServer().getPort() + DEMO_PATH;
        if (demoEnabled) {
            models.put(DEMO_MODEL_ID, demoModel(DEMO_MODEL_ID, baseUrl, demoApiKey, "Demo (built-in, no Dify needed)"));
        }
        warmUpModel = demoModel(WARM_UP_MODEL_ID, baseUrl, warmUpAppKey, "Start-up warm-up (internal)");
    }

    private ModelDefinition demoModel(String id, String baseUrl, String key, String name) {
        return new ModelDefinition(id, "dify", baseUrl, key, name, ReasoningMode.REASONING_CONTENT, null, demoTimeouts,
                ModelDefinition.RateLimits.NONE, null, new DifyApp("chat", Map.of(), null, null, false, true, false, "query-prefix", List.of(), false, false),
                Map.of(), false);
    }

    /**
     * The name by which the start-up warm-up's requests ask for its model: a hidden model (not listed, not in
     * {@link #all()}) on the built-in demo app (served for it even when the demo model is off); the name changes on
     * every start, so no client can use it.
     */
    public String warmUpModelName() {
        return warmUpModelName;
    }

    /** The client key the warm-up's requests carry when client keys are configured; random per start. */
    public String warmUpClientKey() {
        return warmUpClientKey;
    }

    /** The key the demo app accepts from the warm-up model (answered without the demo's word delay). */
    public String warmUpAppKey() {
        return warmUpAppKey;
    }

    /** The model for an id, or a 404 {@code model_not_found} error. */
    public ModelDefinition resolve(String id) {
        ModelDefinition model = id == null ? null : models.get(id);
        if (model == null && warmUpModelName.equals(id)) {
            model = warmUpModel;
        }
        if (model == null) {
            throw OpenAiException.modelNotFound(id);
        }
        return model;
    }

    /**
     * The model that answers a request: the requested one, or for a background task its task model
     * ({@code task-model}, else {@code gateway.tasks.model}) when one is configured.
     */
    public ModelDefinition resolve(String id, boolean backgroundTask) {
        ModelDefinition requested = resolve(id);
        if (!backgroundTask) {
            return requested;
        }
        String taskModel = requested.taskModel() != null ? requested.taskModel() : globalTaskModel;
        return taskModel == null ? requested : resolve(taskModel);
    }

    /** Every model, in configuration order. */
    public List<ModelDefinition> all() {
        synchronized (models) {
            return List.copyOf(new ArrayList<>(models.values()));
        }
    }

    public boolean isDemoEnabled() {
        return demoEnabled;
    }

    /** The key the demo app accepts; it changes on every start. */
    public String demoApiKey() {
        return demoApiKey;
    }

    private static void add(Map<String, ModelDefinition> models, String id, ModelProperties model, String key,
                            Timeouts defaults) {
        if (!MODEL_ID.matcher(id).matches()) {
            throw new GatewayConfigException(key + ": the model id '" + id + "' may only contain letters, digits, '.', '_', ':' and '-'.",
                    "Rename the model.");
        }
        String backend = model.getBackend() == null ? "" : model.getBackend().trim();
        if (!BACKEND_NAME.matcher(backend).matches()) {
            throw new GatewayConfigException(key + ".backend '" + backend + "' is not a valid backend name.",
                    "Use the name of a backend route, e.g. 'dify' for direct:backend-dify.");
        }
        String baseUrl = baseUrl(model.getBaseUrl(), key + ".base-url");
        String apiKey = model.getApiKey() == null ? "" : model.getApiKey().trim();
        String appType = model.getAppType() == null || model.getAppType().isBlank() ? "chat" : model.getAppType().trim();
        if ("dify".equals(backend)) {
            if (apiKey.isEmpty()) {
                throw new GatewayConfigException(key + ".api-key is missing or empty.",
                        "Set it to the Dify app's API key, e.g. api-key: ${DIFY_HELPDESK_KEY} with the key in that environment variable.");
            }
            if (!DIFY_APP_TYPES.contains(appType)) {
                throw new GatewayConfigException(key + ".app-type '" + appType + "' is not supported.",
                        "Use one of " + String.join(", ", DIFY_APP_TYPES.stream().sorted().toList()) + ".");
            }
        }
        ReasoningMode reasoning = ReasoningMode.fromConfig(model.getReasoning()).orElseThrow(() -> new GatewayConfigException(
                key + ".reasoning '" + model.getReasoning() + "' is not supported.",
                "Use reasoning_content, think-tags or off."));
        if (!"markdown".equals(model.getCitations()) && !"off".equals(model.getCitations())) {
            throw new GatewayConfigException(key + ".citations '" + model.getCitations() + "' is not supported.",
                    "Use markdown or off.");
        }
        if (!"dify".equals(model.getConversation()) && !"stateless".equals(model.getConversation())) {
            throw new GatewayConfigException(key + ".conversation '" + model.getConversation() + "' is not supported.",
                    "Use dify or stateless.");
        }
        if (!"ignore".equals(model.getTools()) && !"reject".equals(model.getTools())) {
            throw new GatewayConfigException(key + ".tools '" + model.getTools() + "' is not supported.", "Use ignore or reject.");
        }
        if (!"model".equals(model.getTaskAnswers()) && !"dify".equals(model.getTaskAnswers())) {
            throw new GatewayConfigException(key + ".task-answers '" + model.getTaskAnswers() + "' is not supported.", "Use model or dify.");
        }
        String systemPrompt = model.getSystemPrompt() == null ? "query-prefix" : model.getSystemPrompt().trim();
        if (!systemPrompt.equals("query-prefix") && !systemPrompt.equals("drop")
                && !(systemPrompt.startsWith("input:") && systemPrompt.length() > "input:".length())) {
            throw new GatewayConfigException(key + ".system-prompt '" + systemPrompt + "' is not supported.",
                    "Use query-prefix, drop or input:<variable>.");
        }
        DifyApp dify = !"dify".equals(backend) ? DifyApp.NONE : new DifyApp(appType,
                Collections.unmodifiableMap(new LinkedHashMap<>(model.getInputs())), blankToNull(model.getQueryInput()),
                blankToNull(model.getOutputVariable()), model.isWorkflowProgress(), "markdown".equals(model.getCitations()),
                "dify".equals(model.getConversation()), systemPrompt,
                model.getFallbackBaseUrls().stream().map(url -> baseUrl(url, key + ".fallback-base-urls")).toList(),
                "reject".equals(model.getTools()), "dify".equals(model.getTaskAnswers()));
        models.put(id, new ModelDefinition(id, backend, baseUrl, apiKey, blankToNull(model.getDisplayName()), reasoning,
                blankToNull(model.getTaskModel()), model.getTimeouts() == null ? defaults : model.getTimeouts().orElse(defaults),
                new ModelDefinition.RateLimits(positive(model.getRequestsPerMinute(), key + ".requests-per-minute"),
                        positive(model.getConcurrentStreams(), key + ".concurrent-streams")),
                blankToNull(model.getUpstreamModel()), dify, options(model.getOptions(), key + ".options"), model.isAudio()));
    }

    /** The backend's options as written; a key must be a plain name, as it becomes part of a variable's name. */
    private static Map<String, String> options(Map<String, String> options, String key) {
        options.forEach((name, value) -> {
            if (!OPTION_NAME.matcher(name).matches()) {
                throw new GatewayConfigException(key + "." + name + ": an option's name may only contain letters, digits, '_' and '-'.",
                        "Rename the option, e.g. api-version.");
            }
        });
        return options;
    }

    private static Integer positive(Integer value, String key) {
        if (value != null && value <= 0) {
            throw new GatewayConfigException(key + " must be a positive number, not " + value + ".", "Remove it for no limit.");
        }
        return value;
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.trim();
    }

    private static String baseUrl(String value, String key) {
        if (value == null || value.isBlank()) {
            throw new GatewayConfigException(key + " is missing.", "Set it to the app's API base URL, e.g. http://dify.internal/v1.");
        }
        String trimmed = value.trim();
        while (trimmed.endsWith("/")) {
            trimmed = trimmed.substring(0, trimmed.length() - 1);
        }
        try {
            URI uri = URI.create(trimmed);
            if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
                throw new IllegalArgumentException("not an http(s) URL");
            }
        } catch (IllegalArgumentException e) {
            throw new GatewayConfigException(key + " '" + trimmed + "' is not an http(s) URL.",
                    "Set it to the app's API base URL, e.g. http://dify.internal/v1.");
        }
        return trimmed;
    }
}

package io.difygateway.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/** The public {@code gateway.*} configuration contract; every key is documented in the README. */
@ConfigurationProperties("gateway")
public class GatewayProperties {

    /** OpenAI model id → the backend app that serves it. */
    private Map<String, ModelProperties> models = new LinkedHashMap<>();

    /** A Dify app given by environment variables (DIFY_BASE_URL, DIFY_API_KEY, DIFY_MODEL, DIFY_APP_TYPE). */
    private EnvModel envModel = new EnvModel();

    /** The built-in demo model. */
    private Demo demo = new Demo();

    /** Dify {@code user} sent when the request has no OpenAI {@code user} string. */
    private String defaultUser = "openai-gateway";

    /** Largest accepted request body; larger bodies get a 413. */
    private DataSize maxRequestSize = DataSize.ofMegabytes(25);

    /** Calls to backend apps. */
    private Upstream upstream = new Upstream();

    /** Dify-specific settings. */
    private Dify dify = new Dify();

    /** Who the end user of a request is. */
    private Identity identity = new Identity();

    /** Mapping of OpenAI conversations to backend conversations. */
    private Conversations conversations = new Conversations();

    /** Open WebUI's background tasks (titles, tags, follow-ups, search queries). */
    private Tasks tasks = new Tasks();

    public Map<String, ModelProperties> getModels() {
        return models;
    }

    public void setModels(Map<String, ModelProperties> models) {
        this.models = models;
    }

    public EnvModel getEnvModel() {
        return envModel;
    }

    public void setEnvModel(EnvModel envModel) {
        this.envModel = envModel;
    }

    public Demo getDemo() {
        return demo;
    }

    public void setDemo(Demo demo) {
        this.demo = demo;
    }

    public String getDefaultUser() {
        return defaultUser;
    }

    public void setDefaultUser(String defaultUser) {
        this.defaultUser = defaultUser;
    }

    public DataSize getMaxRequestSize() {
        return maxRequestSize;
    }

    public void setMaxRequestSize(DataSize maxRequestSize) {
        this.maxRequestSize = maxRequestSize;
    }

    public Upstream getUpstream() {
        return upstream;
    }

    public void setUpstream(Upstream upstream) {
        this.upstream = upstream;
    }

    public Dify getDify() {
        return dify;
    }

    public Identity getIdentity() {
        return identity;
    }

    public void setIdentity(Identity identity) {
        this.identity = identity;
    }

    public Conversations getConversations() {
        return conversations;
    }

    public void setConversations(Conversations conversations) {
        this.conversations = conversations;
    }

    public Tasks getTasks() {
        return tasks;
    }

    public void setTasks(Tasks tasks) {
        this.tasks = tasks;
    }

    public void setDify(Dify dify) {
        this.dify = dify;
    }

    /** One configured model: {@code gateway.models.<id>.*}. */
    public static class ModelProperties {
        private String backend = "dify";
        private String baseUrl;
        private String apiKey;
        private String appType;
        private String displayName;
        private Map<String, Object> inputs = new LinkedHashMap<>();
        private String queryInput;
        private String outputVariable;
        private String reasoning = "reasoning_content";
        private boolean workflowProgress;
        private String citations = "markdown";
        private String conversation = "dify";
        private String systemPrompt = "query-prefix";
        private String taskModel;

        public String getBackend() {
            return backend;
        }

        public void setBackend(String backend) {
            this.backend = backend;
        }

        public String getBaseUrl() {
            return baseUrl;
        }

        public void setBaseUrl(String baseUrl) {
            this.baseUrl = baseUrl;
        }

        public String getApiKey() {
            return apiKey;
        }

        public void setApiKey(String apiKey) {
            this.apiKey = apiKey;
        }

        public String getAppType() {
            return appType;
        }

        public void setAppType(String appType) {
            this.appType = appType;
        }

        public String getDisplayName() {
            return displayName;
        }

        public void setDisplayName(String displayName) {
            this.displayName = displayName;
        }

        public Map<String, Object> getInputs() {
            return inputs;
        }

        public void setInputs(Map<String, Object> inputs) {
            this.inputs = inputs;
        }

        public String getQueryInput() {
            return queryInput;
        }

        public void setQueryInput(String queryInput) {
            this.queryInput = queryInput;
        }

        public String getOutputVariable() {
            return outputVariable;
        }

        public void setOutputVariable(String outputVariable) {
            this.outputVariable = outputVariable;
        }

        public String getReasoning() {
            return reasoning;
        }

        public void setReasoning(String reasoning) {
            this.reasoning = reasoning;
        }

        public boolean isWorkflowProgress() {
            return workflowProgress;
        }

        public void setWorkflowProgress(boolean workflowProgress) {
            this.workflowProgress = workflowProgress;
        }

        public String getCitations() {
            return citations;
        }

        public void setCitations(String citations) {
            this.citations = citations;
        }

        public String getConversation() {
            return conversation;
        }

        public void setConversation(String conversation) {
            this.conversation = conversation;
        }

        public String getSystemPrompt() {
            return systemPrompt;
        }

        public void setSystemPrompt(String systemPrompt) {
            this.systemPrompt = systemPrompt;
        }

        public String getTaskModel() {
            return taskModel;
        }

        public void setTaskModel(String taskModel) {
            this.taskModel = taskModel;
        }

        @Override
        public String toString() {
            return "ModelProperties[backend=" + backend + ", baseUrl=" + baseUrl + ", appType=" + appType + "]";
        }
    }

    /** {@code gateway.env-model.*}: adds one Dify app when {@code base-url} is set (from DIFY_BASE_URL). */
    public static class EnvModel extends ModelProperties {
        private String id = "dify";

        public String getId() {
            return id;
        }

        public void setId(String id) {
            this.id = id;
        }
    }

    /** {@code gateway.demo.*}. */
    public static class Demo {
        /** {@code auto}: on when no other model is configured; {@code true}; {@code false}. */
        private String enabled = "auto";
        /** Pause between the demo answer's words. */
        private Duration wordDelay = Duration.ofMillis(40);

        public String getEnabled() {
            return enabled;
        }

        public void setEnabled(String enabled) {
            this.enabled = enabled;
        }

        public Duration getWordDelay() {
            return wordDelay;
        }

        public void setWordDelay(Duration wordDelay) {
            this.wordDelay = wordDelay;
        }
    }

    /** {@code gateway.upstream.*}. */
    public static class Upstream {
        /** Time allowed to open a connection to a backend app. */
        private Duration connectTimeout = Duration.ofSeconds(10);
        /**
         * Longest wait for the backend's response and for each of its events; Dify pings every 10 s while it
         * works, so a longer silence means it is stuck. Before anything was sent to the client: 504.
         */
        private Duration eventTimeout = Duration.ofSeconds(60);
        /** Longest event-stream line accepted from a backend. */
        private DataSize maxEventSize = DataSize.ofMegabytes(8);

        public Duration getConnectTimeout() {
            return connectTimeout;
        }

        public void setConnectTimeout(Duration connectTimeout) {
            this.connectTimeout = connectTimeout;
        }

        public Duration getEventTimeout() {
            return eventTimeout;
        }

        public void setEventTimeout(Duration eventTimeout) {
            this.eventTimeout = eventTimeout;
        }

        public DataSize getMaxEventSize() {
            return maxEventSize;
        }

        public void setMaxEventSize(DataSize maxEventSize) {
            this.maxEventSize = maxEventSize;
        }
    }

    /** {@code gateway.dify.*}. */
    public static class Dify {
        /** How often each Dify app's {@code /info} and {@code /parameters} are read again in the background. */
        private Duration appInfoRefresh = Duration.ofMinutes(5);

        public Duration getAppInfoRefresh() {
            return appInfoRefresh;
        }

        public void setAppInfoRefresh(Duration appInfoRefresh) {
            this.appInfoRefresh = appInfoRefresh;
        }
    }

    /** {@code gateway.identity.*}. */
    public static class Identity {
        /** Where the Dify user comes from, first match wins: openwebui-jwt, openwebui-headers, user-field, default. */
        private List<String> sources = new ArrayList<>(List.of("openwebui-jwt", "openwebui-headers", "user-field", "default"));
        /** Secret of Open WebUI's signed user header; when set, the unsigned user headers are not trusted. */
        private String jwtSecret;
        private String jwtHeader = "X-OpenWebUI-User-Jwt";
        private String userIdHeader = "X-OpenWebUI-User-Id";
        private String userEmailHeader = "X-OpenWebUI-User-Email";

        public List<String> getSources() {
            return sources;
        }

        public void setSources(List<String> sources) {
            this.sources = sources;
        }

        public String getJwtSecret() {
            return jwtSecret;
        }

        public void setJwtSecret(String jwtSecret) {
            this.jwtSecret = jwtSecret;
        }

        public String getJwtHeader() {
            return jwtHeader;
        }

        public void setJwtHeader(String jwtHeader) {
            this.jwtHeader = jwtHeader;
        }

        public String getUserIdHeader() {
            return userIdHeader;
        }

        public void setUserIdHeader(String userIdHeader) {
            this.userIdHeader = userIdHeader;
        }

        public String getUserEmailHeader() {
            return userEmailHeader;
        }

        public void setUserEmailHeader(String userEmailHeader) {
            this.userEmailHeader = userEmailHeader;
        }
    }

    /** {@code gateway.conversations.*}. */
    public static class Conversations {
        /** {@code memory} (one instance) or {@code redis} (shared by several instances; spring.data.redis.*). */
        private String store = "memory";
        /** How long an idle conversation mapping is kept. */
        private Duration ttl = Duration.ofDays(7);
        /** Most mappings the memory store keeps; the least recently used go first. */
        private int maxEntries = 100_000;
        /** Request headers that identify the client's conversation, first present wins. */
        private List<String> headers = new ArrayList<>(List.of("X-OpenWebUI-Chat-Id", "X-Conversation-Id"));

        public String getStore() {
            return store;
        }

        public void setStore(String store) {
            this.store = store;
        }

        public Duration getTtl() {
            return ttl;
        }

        public void setTtl(Duration ttl) {
            this.ttl = ttl;
        }

        public int getMaxEntries() {
            return maxEntries;
        }

        public void setMaxEntries(int maxEntries) {
            this.maxEntries = maxEntries;
        }

        public List<String> getHeaders() {
            return headers;
        }

        public void setHeaders(List<String> headers) {
            this.headers = headers;
        }
    }

    /** {@code gateway.tasks.*}. */
    public static class Tasks {
        /** A request with a non-empty value in this header is a background task (Open WebUI: {@code {{TASK}}}). */
        private String header = "X-OpenWebUI-Task";
        /** Also recognise tasks by their shape: not streamed, one user message holding {@code <chat_history>}. */
        private boolean detectByShape = true;
        /** Model that answers tasks when the requested model names no task-model; empty: the requested model. */
        private String model;

        public String getHeader() {
            return header;
        }

        public void setHeader(String header) {
            this.header = header;
        }

        public boolean isDetectByShape() {
            return detectByShape;
        }

        public void setDetectByShape(boolean detectByShape) {
            this.detectByShape = detectByShape;
        }

        public String getModel() {
            return model;
        }

        public void setModel(String model) {
            this.model = model;
        }
    }
}

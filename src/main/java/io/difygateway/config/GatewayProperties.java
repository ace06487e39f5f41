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

    /** Client keys. */
    private Auth auth = new Auth();

    /** Browser clients. */
    private Cors cors = new Cors();

    /** One log line per request. */
    private AccessLog accessLog = new AccessLog();

    /** Health and readiness. */
    private Health health = new Health();

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

    public Auth getAuth() {
        return auth;
    }

    public void setAuth(Auth auth) {
        this.auth = auth;
    }

    public Cors getCors() {
        return cors;
    }

    public void setCors(Cors cors) {
        this.cors = cors;
    }

    public AccessLog getAccessLog() {
        return accessLog;
    }

    public void setAccessLog(AccessLog accessLog) {
        this.accessLog = accessLog;
    }

    public Health getHealth() {
        return health;
    }

    public void setHealth(Health health) {
        this.health = health;
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
        private List<String> fallbackBaseUrls = new ArrayList<>();
        private String upstreamModel;
        private Integer requestsPerMinute;
        private Integer concurrentStreams;
        private Timeouts timeouts = new Timeouts(null, null, null, null);

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

        public List<String> getFallbackBaseUrls() {
            return fallbackBaseUrls;
        }

        public void setFallbackBaseUrls(List<String> fallbackBaseUrls) {
            this.fallbackBaseUrls = fallbackBaseUrls;
        }

        public String getUpstreamModel() {
            return upstreamModel;
        }

        public void setUpstreamModel(String upstreamModel) {
            this.upstreamModel = upstreamModel;
        }

        public Integer getRequestsPerMinute() {
            return requestsPerMinute;
        }

        public void setRequestsPerMinute(Integer requestsPerMinute) {
            this.requestsPerMinute = requestsPerMinute;
        }

        public Integer getConcurrentStreams() {
            return concurrentStreams;
        }

        public void setConcurrentStreams(Integer concurrentStreams) {
            this.concurrentStreams = concurrentStreams;
        }

        public Timeouts getTimeouts() {
            return timeouts;
        }

        public void setTimeouts(Timeouts timeouts) {
            this.timeouts = timeouts;
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
        /** Defaults for every model; a model's {@code timeouts} override them one by one. */
        private Timeouts timeouts = new Timeouts(Duration.ofSeconds(10), Duration.ofSeconds(60), Duration.ofSeconds(60),
                Duration.ofMinutes(20));
        /** While the backend is silent, a streamed response gets an SSE comment this often. */
        private Duration keepAliveInterval = Duration.ofSeconds(10);
        /** Extra attempts when a backend cannot be reached or answers 502/503 before doing anything. */
        private int retries = 2;
        /** Pause before the first retry; doubled for each further one. */
        private Duration retryBackoff = Duration.ofMillis(500);
        /** Longest event-stream line accepted from a backend. */
        private DataSize maxEventSize = DataSize.ofMegabytes(8);
        /** Kept-alive connections to a backend idle longer than this are closed before the server closes them. */
        private Duration idleConnectionTimeout = Duration.ofSeconds(1);

        public Duration getIdleConnectionTimeout() {
            return idleConnectionTimeout;
        }

        public void setIdleConnectionTimeout(Duration idleConnectionTimeout) {
            this.idleConnectionTimeout = idleConnectionTimeout;
        }

        public Timeouts getTimeouts() {
            return timeouts;
        }

        public void setTimeouts(Timeouts timeouts) {
            this.timeouts = timeouts;
        }

        public Duration getKeepAliveInterval() {
            return keepAliveInterval;
        }

        public void setKeepAliveInterval(Duration keepAliveInterval) {
            this.keepAliveInterval = keepAliveInterval;
        }

        public int getRetries() {
            return retries;
        }

        public void setRetries(int retries) {
            this.retries = retries;
        }

        public Duration getRetryBackoff() {
            return retryBackoff;
        }

        public void setRetryBackoff(Duration retryBackoff) {
            this.retryBackoff = retryBackoff;
        }

        public DataSize getMaxEventSize() {
            return maxEventSize;
        }

        public void setMaxEventSize(DataSize maxEventSize) {
            this.maxEventSize = maxEventSize;
        }
    }

    /**
     * Time limits of a backend call: to connect, to the backend's first event, between two events, in all.
     * In a model's {@code timeouts}, a null means "the gateway.upstream.timeouts value".
     */
    public record Timeouts(Duration connect, Duration firstEvent, Duration idle, Duration total) {

        /** These timeouts, with the gaps filled from the defaults. */
        public Timeouts orElse(Timeouts defaults) {
            return new Timeouts(connect != null ? connect : defaults.connect(), firstEvent != null ? firstEvent : defaults.firstEvent(),
                    idle != null ? idle : defaults.idle(), total != null ? total : defaults.total());
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
        /** Where the Dify user comes from, first match wins: openwebui-jwt, openwebui-headers, user-field, key-name, default. */
        private List<String> sources = new ArrayList<>(List.of("openwebui-jwt", "openwebui-headers", "user-field", "key-name", "default"));
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

    /** {@code gateway.auth.*}. */
    public static class Auth {
        /** Client keys; when there is at least one, every /v1 call needs one. Values from the environment or a secret file. */
        private List<ClientKey> keys = new ArrayList<>();

        public List<ClientKey> getKeys() {
            return keys;
        }

        public void setKeys(List<ClientKey> keys) {
            this.keys = keys;
        }
    }

    /** One client key: {@code gateway.auth.keys[n].*}. */
    public static class ClientKey {
        private String key;
        private String name;
        private List<String> models = new ArrayList<>(List.of("*"));
        private Integer requestsPerMinute;
        private Integer concurrentStreams;

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

        public Integer getRequestsPerMinute() {
            return requestsPerMinute;
        }

        public void setRequestsPerMinute(Integer requestsPerMinute) {
            this.requestsPerMinute = requestsPerMinute;
        }

        public Integer getConcurrentStreams() {
            return concurrentStreams;
        }

        public void setConcurrentStreams(Integer concurrentStreams) {
            this.concurrentStreams = concurrentStreams;
        }

        @Override
        public String toString() {
            return "ClientKey[name=" + name + ", models=" + models + "]";
        }
    }

    /** {@code gateway.cors.*}. */
    public static class Cors {
        /** Origins (patterns allowed, e.g. https://*.example.com) that browsers may call from; empty: CORS off. */
        private List<String> allowedOrigins = new ArrayList<>();
        private Duration maxAge = Duration.ofHours(1);

        public List<String> getAllowedOrigins() {
            return allowedOrigins;
        }

        public void setAllowedOrigins(List<String> allowedOrigins) {
            this.allowedOrigins = allowedOrigins;
        }

        public Duration getMaxAge() {
            return maxAge;
        }

        public void setMaxAge(Duration maxAge) {
            this.maxAge = maxAge;
        }
    }

    /** {@code gateway.access-log.*}. */
    public static class AccessLog {
        private boolean enabled = true;
        /** {@code text} or {@code json}. */
        private String format = "text";

        public boolean isEnabled() {
            return enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        public String getFormat() {
            return format;
        }

        public void setFormat(String format) {
            this.format = format;
        }
    }

    /** {@code gateway.health.*}. */
    public static class Health {
        /** Readiness also reports whether each Dify app could be read in the background (cached, never slows requests). */
        private boolean checkApps;
        /** Readiness waits until this many rounds of requests went through the whole path at start-up (0: off). */
        private int warmUpRequests = 20;

        public boolean isCheckApps() {
            return checkApps;
        }

        public void setCheckApps(boolean checkApps) {
            this.checkApps = checkApps;
        }

        public int getWarmUpRequests() {
            return warmUpRequests;
        }

        public void setWarmUpRequests(int warmUpRequests) {
            this.warmUpRequests = warmUpRequests;
        }
    }
}

package io.difygateway.config;

import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/** The public {@code gateway.*} configuration contract; every key is documented in the README. */
@ConfigurationProperties("gateway")
public class GatewayProperties {

    /** OpenAI model id → the backend app that serves it. */
    private Map<String, ModelProperties> models = new LinkedHashMap<>();

    /** A Dify app given by environment variables (DIFY_BASE_URL, DIFY_API_KEY, DIFY_MODEL, DIFY_APP_TYPE). */
    private EnvModelProperties envModel = new EnvModelProperties();

    /** The built-in demo model. */
    private DemoProperties demo = new DemoProperties();

    /** Dify {@code user} sent when the request has no OpenAI {@code user} string. */
    private String defaultUser = "openai-gateway";

    /** Largest accepted request body; larger bodies get a 413. */
    private DataSize maxRequestSize = DataSize.ofMegabytes(25);

    /** Calls to backend apps. */
    private UpstreamProperties upstream = new UpstreamProperties();

    /** Dify-specific settings. */
    private DifyProperties dify = new DifyProperties();

    /** Who the end user of a request is. */
    private IdentityProperties identity = new IdentityProperties();

    /** Mapping of OpenAI conversations to backend conversations. */
    private ConversationsProperties conversations = new ConversationsProperties();

    /** Open WebUI's background tasks (titles, tags, follow-ups, search queries). */
    private TasksProperties tasks = new TasksProperties();

    /** Client keys. */
    private AuthProperties auth = new AuthProperties();

    /** Browser clients. */
    private CorsProperties cors = new CorsProperties();

    /** One log line per request. */
    private AccessLogProperties accessLog = new AccessLogProperties();

    /** Health and readiness. */
    private HealthProperties health = new HealthProperties();

    public Map<String, ModelProperties> getModels() {
        return models;
    }

    public void setModels(Map<String, ModelProperties> models) {
        this.models = models;
    }

    public EnvModelProperties getEnvModel() {
        return envModel;
    }

    public void setEnvModel(EnvModelProperties envModel) {
        this.envModel = envModel;
    }

    public DemoProperties getDemo() {
        return demo;
    }

    public void setDemo(DemoProperties demo) {
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

    public UpstreamProperties getUpstream() {
        return upstream;
    }

    public void setUpstream(UpstreamProperties upstream) {
        this.upstream = upstream;
    }

    public DifyProperties getDify() {
        return dify;
    }

    public IdentityProperties getIdentity() {
        return identity;
    }

    public void setIdentity(IdentityProperties identity) {
        this.identity = identity;
    }

    public ConversationsProperties getConversations() {
        return conversations;
    }

    public void setConversations(ConversationsProperties conversations) {
        this.conversations = conversations;
    }

    public TasksProperties getTasks() {
        return tasks;
    }

    public AuthProperties getAuth() {
        return auth;
    }

    public void setAuth(AuthProperties auth) {
        this.auth = auth;
    }

    public CorsProperties getCors() {
        return cors;
    }

    public void setCors(CorsProperties cors) {
        this.cors = cors;
    }

    public AccessLogProperties getAccessLog() {
        return accessLog;
    }

    public void setAccessLog(AccessLogProperties accessLog) {
        this.accessLog = accessLog;
    }

    public HealthProperties getHealth() {
        return health;
    }

    public void setHealth(HealthProperties health) {
        this.health = health;
    }

    public void setTasks(TasksProperties tasks) {
        this.tasks = tasks;
    }

    public void setDify(DifyProperties dify) {
        this.dify = dify;
    }

}

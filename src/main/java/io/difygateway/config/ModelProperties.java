package io.difygateway.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** One configured model: {@code gateway.models.<id>.*}. */
public class ModelProperties extends RateLimitProperties {
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
    private Timeouts timeouts = new Timeouts(null, null, null, null);
    private Map<String, String> options = new LinkedHashMap<>();
    private String tools = "ignore";
    private String taskAnswers = "model";
    private boolean audio = true;

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

    public Timeouts getTimeouts() {
        return timeouts;
    }

    public void setTimeouts(Timeouts timeouts) {
        this.timeouts = timeouts;
    }

    public boolean isAudio() {
        return audio;
    }

    public void setAudio(boolean audio) {
        this.audio = audio;
    }

    public String getTools() {
        return tools;
    }

    public void setTools(String tools) {
        this.tools = tools;
    }

    public String getTaskAnswers() {
        return taskAnswers;
    }

    public void setTaskAnswers(String taskAnswers) {
        this.taskAnswers = taskAnswers;
    }

    public Map<String, String> getOptions() {
        return options;
    }

    public void setOptions(Map<String, String> options) {
        this.options = options;
    }

    @Override
    public String toString() {
        return "ModelProperties[backend=" + backend + ", baseUrl=" + baseUrl + ", appType=" + appType + "]";
    }
}

package io.difygateway.support;

import java.util.List;
import java.util.Map;

import io.difygateway.completion.ReasoningMode;
import io.difygateway.config.DifyApp;
import io.difygateway.config.GatewayProperties;
import io.difygateway.config.ModelDefinition;

/** Builds {@link ModelDefinition}s for unit tests: a Dify app with the defaults of configuration. */
public final class TestModels {

    private String appType = "chat";
    private Map<String, Object> inputs = Map.of();
    private String queryInput;
    private String outputVariable;
    private ReasoningMode reasoning = ReasoningMode.REASONING_CONTENT;
    private boolean workflowProgress;
    private boolean citations = true;
    private boolean conversations = true;
    private String systemPrompt = "query-prefix";
    private String baseUrl = "https://dify.example.com/v1";
    private List<String> fallbackBaseUrls = List.of();

    public static TestModels dify(String appType) {
        TestModels model = new TestModels();
        model.appType = appType;
        return model;
    }

    public TestModels inputs(Map<String, Object> inputs) {
        this.inputs = inputs;
        return this;
    }

    public TestModels queryInput(String queryInput) {
        this.queryInput = queryInput;
        return this;
    }

    public TestModels outputVariable(String outputVariable) {
        this.outputVariable = outputVariable;
        return this;
    }

    public TestModels reasoning(ReasoningMode reasoning) {
        this.reasoning = reasoning;
        return this;
    }

    public TestModels workflowProgress(boolean workflowProgress) {
        this.workflowProgress = workflowProgress;
        return this;
    }

    public TestModels citations(boolean citations) {
        this.citations = citations;
        return this;
    }

    public TestModels conversations(boolean conversations) {
        this.conversations = conversations;
        return this;
    }

    public TestModels systemPrompt(String systemPrompt) {
        this.systemPrompt = systemPrompt;
        return this;
    }

    public TestModels fallbackBaseUrls(String... urls) {
        this.fallbackBaseUrls = List.of(urls);
        return this;
    }

    public ModelDefinition build() {
        return new ModelDefinition("m", "dify", baseUrl, "app-key", null, reasoning, null, new GatewayProperties().getUpstream().getTimeouts(),
                ModelDefinition.RateLimits.NONE, null, new DifyApp(appType, inputs, queryInput, outputVariable, workflowProgress, citations,
                conversations, systemPrompt, fallbackBaseUrls, false, false), Map.of(), true);
    }
}

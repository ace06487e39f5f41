package io.difygateway.dify;

/** A Dify app type and the Service API endpoints that run and stop it. */
public enum DifyAppType {
    CHAT("chat", "/chat-messages", "/chat-messages/%s/stop"),
    AGENT_CHAT("agent-chat", "/chat-messages", "/chat-messages/%s/stop"),
    /** The Agent apps of Dify 1.16 ({@code mode: agent}): streamed with agent_message, closed by one full message. */
    AGENT("agent", "/chat-messages", "/chat-messages/%s/stop"),
    ADVANCED_CHAT("advanced-chat", "/chat-messages", "/chat-messages/%s/stop"),
    COMPLETION("completion", "/completion-messages", "/completion-messages/%s/stop"),
    WORKFLOW("workflow", "/workflows/run", "/workflows/tasks/%s/stop");

    private final String configValue;
    private final String runPath;
    private final String stopPathFormat;

    DifyAppType(String configValue, String runPath, String stopPathFormat) {
        this.configValue = configValue;
        this.runPath = runPath;
        this.stopPathFormat = stopPathFormat;
    }

    /** The app type for a configured {@code app-type} value (validated at startup). */
    public static DifyAppType of(String configValue) {
        for (DifyAppType type : values()) {
            if (type.configValue.equals(configValue)) {
                return type;
            }
        }
        throw new IllegalArgumentException("unknown Dify app type " + configValue);
    }

    /** Path, relative to the base URL, that runs the app. */
    public String runPath() {
        return runPath;
    }

    /** Path, relative to the base URL, that stops a running task. */
    public String stopPath(String taskId) {
        return String.format(stopPathFormat, taskId);
    }

    /** Chat-family apps take a top-level {@code query} and keep conversations. */
    public boolean isChat() {
        return this == CHAT || this == AGENT_CHAT || this == AGENT || this == ADVANCED_CHAT;
    }
}

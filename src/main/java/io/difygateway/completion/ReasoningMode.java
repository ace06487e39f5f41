package io.difygateway.completion;

import java.util.Arrays;
import java.util.Optional;

/** How a model's reasoning (agent steps, thinking) reaches the client. */
public enum ReasoningMode {
    /** {@code delta.reasoning_content} / {@code message.reasoning_content}: Open WebUI's collapsible thinking block. */
    REASONING_CONTENT("reasoning_content"),
    /** {@code <think>…</think>} inside the content, for clients that only read content. */
    THINK_TAGS("think-tags"),
    /** Not sent. */
    OFF("off");

    private final String configValue;

    ReasoningMode(String configValue) {
        this.configValue = configValue;
    }

    /** The value as written in configuration. */
    public String configValue() {
        return configValue;
    }

    public static Optional<ReasoningMode> fromConfig(String value) {
        return Arrays.stream(values()).filter(mode -> mode.configValue.equals(value)).findFirst();
    }
}

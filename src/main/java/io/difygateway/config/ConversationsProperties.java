package io.difygateway.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** {@code gateway.conversations.*}. */
public class ConversationsProperties {
    /** {@code memory} (one instance) or {@code redis} (shared by several instances; spring.data.redis.*). */
    private String store = "memory";
    /** How long an idle conversation mapping is kept. */
    private Duration ttl = Duration.ofDays(7);
    /** Most mappings the memory store keeps; the least recently used go first. */
    private int maxEntries = 100_000;
    /** Request headers that identify the client's conversation, first present wins. */
    private List<String> headers = new ArrayList<>(List.of("X-OpenWebUI-Chat-Id", "X-Conversation-Id"));
    /** Request header with the id of the assistant message being answered (Open WebUI: {{MESSAGE_ID}}). */
    private String messageIdHeader = "X-OpenWebUI-Message-Id";
    /** Request header with the id of the message the user's message answers (Open WebUI: {{USER_MESSAGE_PARENT_ID}}). */
    private String parentIdHeader = "X-OpenWebUI-Parent-Id";

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

    public String getMessageIdHeader() {
        return messageIdHeader;
    }

    public void setMessageIdHeader(String messageIdHeader) {
        this.messageIdHeader = messageIdHeader;
    }

    public String getParentIdHeader() {
        return parentIdHeader;
    }

    public void setParentIdHeader(String parentIdHeader) {
        this.parentIdHeader = parentIdHeader;
    }

    public List<String> getHeaders() {
        return headers;
    }

    public void setHeaders(List<String> headers) {
        this.headers = headers;
    }
}

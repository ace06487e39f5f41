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

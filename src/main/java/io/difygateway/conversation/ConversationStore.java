package io.difygateway.conversation;

import java.util.Optional;

/**
 * Keeps client-conversation keys → {@link ConversationRecord}s, and stored responses (id → a JSON document), expiring
 * idle ones after the same time to live.
 */
public interface ConversationStore {

    Optional<ConversationRecord> find(String key);

    void save(String key, ConversationRecord record);

    void remove(String key);

    /** A stored response's document, or empty when it was never stored, expired or was deleted. */
    Optional<String> findResponse(String id);

    void saveResponse(String id, String document);

    void removeResponse(String id);
}

package io.difygateway.conversation;

import java.util.Optional;

/** Keeps client-conversation keys → {@link ConversationRecord}s, expiring idle ones. */
public interface ConversationStore {

    Optional<ConversationRecord> find(String key);

    void save(String key, ConversationRecord record);

    void remove(String key);
}

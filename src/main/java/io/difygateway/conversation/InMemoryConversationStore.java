package io.difygateway.conversation;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** A bounded, expiring store in this instance's memory: the least recently used mappings go first. */
public final class InMemoryConversationStore implements ConversationStore {

    /** A conversation's record or a response's document, and when it expires. */
    private record Stored(Object value, Instant expires) {
    }

    /** Response ids live beside the conversation keys; no conversation key starts with this. */
    private static final String RESPONSE_PREFIX = "response:";

    private final Duration ttl;
    private final Clock clock;
    private final Map<String, Stored> entries;

    public InMemoryConversationStore(int maxEntries, Duration ttl, Clock clock) {
        this.ttl = ttl;
        this.clock = clock;
        this.entries = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Stored> eldest) {
                return size() > maxEntries;
            }
        };
    }

    @Override
    public synchronized Optional<ConversationRecord> find(String key) {
        return live(key).map(ConversationRecord.class::cast);
    }

    @Override
    public synchronized Optional<String> findResponse(String id) {
        return live(RESPONSE_PREFIX + id).map(String.class::cast);
    }

    @Override
    public synchronized void saveResponse(String id, String document) {
        entries.put(RESPONSE_PREFIX + id, new Stored(document, clock.instant().plus(ttl)));
    }

    @Override
    public synchronized void removeResponse(String id) {
        entries.remove(RESPONSE_PREFIX + id);
    }

    private Optional<Object> live(String key) {
        Stored entry = entries.get(key);
        if (entry == null) {
            return Optional.empty();
        }
        if (entry.expires().isBefore(clock.instant())) {
            entries.remove(key);
            return Optional.empty();
        }
        return Optional.of(entry.value());
    }

    @Override
    public synchronized void save(String key, ConversationRecord record) {
        entries.put(key, new Stored(record, clock.instant().plus(ttl)));
    }

    @Override
    public synchronized void remove(String key) {
        entries.remove(key);
    }
}

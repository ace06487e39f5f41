package io.difygateway.conversation;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** A bounded, expiring store in this instance's memory: the least recently used mappings go first. */
public final class InMemoryConversationStore implements ConversationStore {

    private record Stored(ConversationRecord record, Instant expires) {
    }

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
        Stored entry = entries.get(key);
        if (entry == null) {
            return Optional.empty();
        }
        if (entry.expires().isBefore(clock.instant())) {
            entries.remove(key);
            return Optional.empty();
        }
        return Optional.of(entry.record());
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

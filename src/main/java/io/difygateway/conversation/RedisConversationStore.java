package io.difygateway.conversation;

import java.time.Duration;
import java.util.Optional;

import org.springframework.data.redis.core.StringRedisTemplate;

/** A store in Redis, shared by every gateway instance; Redis expires idle mappings. */
public final class RedisConversationStore implements ConversationStore {

    static final String KEY_PREFIX = "dify-openai-gateway:conversation:";
    static final String RESPONSE_PREFIX = "dify-openai-gateway:response:";
    private static final char SEPARATOR = '\n';

    private final StringRedisTemplate redis;
    private final Duration ttl;

    public RedisConversationStore(StringRedisTemplate redis, Duration ttl) {
        this.redis = redis;
        this.ttl = ttl;
    }

    @Override
    public Optional<ConversationRecord> find(String key) {
        String value = redis.opsForValue().get(KEY_PREFIX + key);
        if (value == null) {
            return Optional.empty();
        }
        String[] parts = value.split(String.valueOf(SEPARATOR), 3); // mappings written before the last turn have two parts
        return parts.length < 2 ? Optional.empty()
                : Optional.of(new ConversationRecord(parts[0], parts[1], parts.length == 3 ? parts[2] : null));
    }

    @Override
    public void save(String key, ConversationRecord record) {
        redis.opsForValue().set(KEY_PREFIX + key, record.conversationId() + SEPARATOR + record.seenHistory()
                + (record.seenLastTurn() == null ? "" : SEPARATOR + record.seenLastTurn()), ttl);
    }

    @Override
    public void remove(String key) {
        redis.delete(KEY_PREFIX + key);
    }

    @Override
    public Optional<String> findResponse(String id) {
        return Optional.ofNullable(redis.opsForValue().get(RESPONSE_PREFIX + id));
    }

    @Override
    public void saveResponse(String id, String document) {
        redis.opsForValue().set(RESPONSE_PREFIX + id, document, ttl);
    }

    @Override
    public void removeResponse(String id) {
        redis.delete(RESPONSE_PREFIX + id);
    }
}

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
        int separator = value.indexOf(SEPARATOR);
        return separator < 0 ? Optional.empty()
                : Optional.of(new ConversationRecord(value.substring(0, separator), value.substring(separator + 1)));
    }

    @Override
    public void save(String key, ConversationRecord record) {
        redis.opsForValue().set(KEY_PREFIX + key, record.conversationId() + SEPARATOR + record.seenHistory(), ttl);
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

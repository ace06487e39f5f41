package io.difygateway.limits;

import java.time.Clock;
import java.time.Duration;
import java.util.List;

import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.script.DefaultRedisScript;
import org.springframework.data.redis.core.script.RedisScript;

/**
 * Counters in Redis, shared by every gateway instance. A stream's slot is a member of a sorted set scored by its
 * start time, so that slots of an instance that died are dropped once they are older than any stream can last.
 */
public final class RedisLimitCounters implements LimitCounters {

    static final String PREFIX = "dify-openai-gateway:limits:";

    private static final RedisScript<Long> ACQUIRE = new DefaultRedisScript<>("""
            redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
            if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[2]) then return 0 end
            redis.call('ZADD', KEYS[1], ARGV[3], ARGV[4])
            redis.call('PEXPIRE', KEYS[1], ARGV[5])
            return 1""", Long.class);

    private final StringRedisTemplate redis;
    private final Clock clock;
    private final Duration longestStream;

    public RedisLimitCounters(StringRedisTemplate redis, Duration longestStream, Clock clock) {
        this.clock = clock;
        this.redis = redis;
        this.longestStream = longestStream;
    }

    @Override
    public long countRequest(String scope, long window) {
        String key = PREFIX + "requests:" + scope + ":" + window;
        Long count = redis.opsForValue().increment(key);
        if (count != null && count == 1) {
            redis.expire(key, Duration.ofMinutes(2));
        }
        return count == null ? 0 : count;
    }

    @Override
    public boolean tryAcquireSlot(String scope, String permitId, int limit) {
        long now = clock.millis();
        Long taken = redis.execute(ACQUIRE, List.of(PREFIX + "streams:" + scope),
                String.valueOf(now - longestStream.toMillis()), String.valueOf(limit), String.valueOf(now), permitId,
                String.valueOf(longestStream.toMillis()));
        return taken != null && taken == 1;
    }

    @Override
    public void releaseSlot(String scope, String permitId) {
        redis.opsForZSet().remove(PREFIX + "streams:" + scope, permitId);
    }
}

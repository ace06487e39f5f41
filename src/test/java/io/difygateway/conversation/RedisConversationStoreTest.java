package io.difygateway.conversation;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import io.difygateway.support.RedisServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;

/** The Redis store against a real redis-server (skipped, with a hint, where it is not installed). */
class RedisConversationStoreTest {

    private static RedisServer redis;
    private static LettuceConnectionFactory connections;
    private static StringRedisTemplate template;

    @BeforeAll
    static void startRedis() throws Exception {
        redis = RedisServer.startOrSkip();
        connections = new LettuceConnectionFactory(new RedisStandaloneConfiguration("127.0.0.1", redis.port()));
        connections.afterPropertiesSet();
        template = new StringRedisTemplate(connections);
        template.afterPropertiesSet();
    }

    @AfterAll
    static void stopRedis() {
        if (connections != null) {
            connections.destroy();
        }
        if (redis != null) {
            redis.close();
        }
    }

    @Test
    void savesFindsAndRemovesMappings() {
        RedisConversationStore store = new RedisConversationStore(template, Duration.ofMinutes(5));
        store.save("h|m|u|chat-0", new ConversationRecord("conv-0", "abc", "def"));
        assertThat(store.find("h|m|u|chat-0")).contains(new ConversationRecord("conv-0", "abc", "def"));
        store.save("h|m|u|chat-1", new ConversationRecord("conv-1", "abc123"));
        assertThat(store.find("h|m|u|chat-1")).contains(new ConversationRecord("conv-1", "abc123"));
        assertThat(template.getExpire(RedisConversationStore.KEY_PREFIX + "h|m|u|chat-1")).isBetween(290L, 300L);
        store.remove("h|m|u|chat-1");
        assertThat(store.find("h|m|u|chat-1")).isEmpty();

        store.saveResponse("resp_1", "{\"owner\":\"k\"}");
        assertThat(store.findResponse("resp_1")).contains("{\"owner\":\"k\"}");
        assertThat(store.find("resp_1")).as("responses and conversation keys do not meet").isEmpty();
        store.removeResponse("resp_1");
        assertThat(store.findResponse("resp_1")).isEmpty();
    }

    @Test
    void redisExpiresIdleMappings() throws InterruptedException {
        RedisConversationStore store = new RedisConversationStore(template, Duration.ofSeconds(1));
        store.save("f|m|u|h", new ConversationRecord("conv-2", "h"));
        assertThat(store.find("f|m|u|h")).isPresent();
        Thread.sleep(1600);
        assertThat(store.find("f|m|u|h")).isEmpty();
    }
}

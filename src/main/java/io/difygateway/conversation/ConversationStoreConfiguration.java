package io.difygateway.conversation;

import java.time.Clock;

import io.difygateway.config.ConversationsProperties;
import io.difygateway.config.GatewayConfigException;
import io.difygateway.config.GatewayProperties;
import io.difygateway.limits.InMemoryLimitCounters;
import io.difygateway.limits.LimitCounters;
import io.difygateway.limits.RedisLimitCounters;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * Chooses where state shared by requests lives, from {@code gateway.conversations.store}: the conversation
 * store and the rate-limit counters are in memory, or both in Redis so that several instances share them.
 */
@Configuration(proxyBeanMethods = false)
public class ConversationStoreConfiguration {

    @Bean
    LimitCounters limitCounters(GatewayProperties properties, ObjectProvider<StringRedisTemplate> redis, Clock clock) {
        return "redis".equals(properties.getConversations().getStore())
                ? new RedisLimitCounters(redis.getObject(), properties.getUpstream().getTimeouts().total().plusMinutes(5), clock)
                : new InMemoryLimitCounters();
    }

    @Bean
    ConversationStore conversationStore(GatewayProperties properties, ObjectProvider<StringRedisTemplate> redis, Clock clock) {
        ConversationsProperties conversations = properties.getConversations();
        return switch (conversations.getStore()) {
            case "memory" -> new InMemoryConversationStore(conversations.getMaxEntries(), conversations.getTtl(), clock);
            case "redis" -> new RedisConversationStore(redis.getObject(), conversations.getTtl());
            default -> throw new GatewayConfigException("gateway.conversations.store '" + conversations.getStore()
                    + "' is not supported.", "Use memory or redis.");
        };
    }
}

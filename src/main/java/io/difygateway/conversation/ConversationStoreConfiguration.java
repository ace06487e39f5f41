package io.difygateway.conversation;

import java.time.Clock;

import io.difygateway.config.GatewayConfigException;
import io.difygateway.config.GatewayProperties;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.core.StringRedisTemplate;

/** Chooses the conversation store from {@code gateway.conversations.store}. */
@Configuration(proxyBeanMethods = false)
public class ConversationStoreConfiguration {

    @Bean
    ConversationStore conversationStore(GatewayProperties properties, ObjectProvider<StringRedisTemplate> redis) {
        GatewayProperties.Conversations conversations = properties.getConversations();
        return switch (conversations.getStore()) {
            case "memory" -> new InMemoryConversationStore(conversations.getMaxEntries(), conversations.getTtl(), Clock.systemUTC());
            case "redis" -> new RedisConversationStore(redis.getObject(), conversations.getTtl());
            default -> throw new GatewayConfigException("gateway.conversations.store '" + conversations.getStore()
                    + "' is not supported.", "Use memory or redis.");
        };
    }
}

package io.difygateway.conversation;

/**
 * A client conversation's backend conversation, and the fingerprint of the history the backend has seen: the
 * next request continues it only when its earlier messages have exactly that fingerprint.
 */
public record ConversationRecord(String conversationId, String seenHistory) {
}

package io.difygateway.conversation;

/**
 * A client conversation's backend conversation, the fingerprint of the history the backend has seen (the next request
 * continues it when its earlier messages have exactly that fingerprint) and of its last turn, the user's message and the
 * answer (a chat known by its id also continues when the user answers that turn, its older messages rewritten: Open
 * WebUI's context compaction replaces them with a summary); the last may be null.
 */
public record ConversationRecord(String conversationId, String seenHistory, String seenLastTurn) {

    public ConversationRecord(String conversationId, String seenHistory) {
        this(conversationId, seenHistory, null);
    }
}

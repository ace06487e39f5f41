package io.difygateway.conversation;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.difygateway.completion.ChatCompletion;
import io.difygateway.config.GatewayProperties;
import io.difygateway.config.ModelDefinition;
import io.difygateway.frontdoor.ChatCompletionRequest;
import io.difygateway.frontdoor.ChatMessage;
import io.difygateway.frontdoor.RequestHeaders;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Maps OpenAI conversations, which resend the whole history every turn, to backend conversations, which keep it.
 * With Open WebUI's message ids on the request (the id of the answer being made and of the message the user's message
 * answers), a turn continues the conversation whose latest answer is that parent: exact, and an edit or a regeneration
 * (a branch from an older message) starts a new backend conversation, as Dify's Service API cannot branch. Without
 * them a conversation is found by a client conversation header (Open WebUI's chat id) or else by the fingerprint of
 * the earlier messages; it is continued only when the earlier messages are exactly what the backend saw. Always
 * scoped to the model and the end user.
 */
@Component("conversations")
public class ConversationTracker {

    private static final Logger LOG = LoggerFactory.getLogger(ConversationTracker.class);

    private final ConversationStore store;
    private final List<String> headers;
    private final String messageIdHeader;
    private final String parentIdHeader;

    public ConversationTracker(ConversationStore store, GatewayProperties properties) {
        this.store = store;
        this.headers = properties.getConversations().getHeaders();
        this.messageIdHeader = properties.getConversations().getMessageIdHeader();
        this.parentIdHeader = properties.getConversations().getParentIdHeader();
    }

    /**
     * Where a request stands; stateless for models without conversations and for background tasks. A request that names
     * its backend conversation ({@code continued}: a stored response's, for {@code previous_response_id}) continues it
     * exactly, with no history matching, and is not remembered here (the stored response is).
     */
    public Conversation open(ChatCompletionRequest request, ModelDefinition model, String user, Map<String, Object> requestHeaders,
                             boolean backgroundTask, String continued) {
        if (backgroundTask || !model.dify().conversations()) {
            return Conversation.stateless();
        }
        if (continued != null) {
            return new Conversation(null, false, null, continued);
        }
        String history = HistoryFingerprint.of(request.messages().subList(0, request.lastUserIndex()));
        String scope = model.id() + "|" + user + "|";
        String messageId = RequestHeaders.first(requestHeaders, messageIdHeader);
        if (messageId != null && !messageId.isBlank()) {
            // exact signals: the turn continues the conversation whose latest answer is the user's message's parent
            String parent = RequestHeaders.first(requestHeaders, parentIdHeader);
            String parentKey = "m|" + scope + (parent == null ? "" : parent.trim());
            String parentsConversation = parent == null || parent.isBlank() || "null".equals(parent.trim()) ? null
                    : store.find(parentKey).map(ConversationRecord::conversationId).orElse(null);
            return new Conversation(parentKey, false, history, "m|" + scope + messageId.trim(), parentsConversation);
        }
        String clientConversation = clientConversation(requestHeaders);
        if (clientConversation != null) {
            String key = "h|" + scope + clientConversation;
            String lastTurn = lastTurn(request.messages().subList(0, request.lastUserIndex()));
            return new Conversation(key, true, history, store.find(key)
                    .filter(record -> record.seenHistory().equals(history) || lastTurn != null && lastTurn.equals(record.seenLastTurn()))
                    .map(ConversationRecord::conversationId).orElse(null));
        }
        String key = "f|" + scope + history;
        return new Conversation(key, false, history, continued(key, history));
    }

    /**
     * The backend conversation of the chat a background task is about, found only by exact signals (the answer's message
     * id, else the chat id header; a task's own messages are a prompt, not the chat's history), or null.
     */
    public String chatConversation(ModelDefinition model, String user, Map<String, Object> requestHeaders) {
        if (!model.dify().conversations()) {
            return null;
        }
        String scope = model.id() + "|" + user + "|";
        String messageId = RequestHeaders.first(requestHeaders, messageIdHeader);
        String byMessage = messageId == null || messageId.isBlank() ? null
                : store.find("m|" + scope + messageId.trim()).map(ConversationRecord::conversationId).orElse(null);
        String clientConversation = clientConversation(requestHeaders);
        return byMessage != null || clientConversation == null ? byMessage
                : store.find("h|" + scope + clientConversation).map(ConversationRecord::conversationId).orElse(null);
    }

    /** The client's conversation id: the first configured conversation header that has a value, trimmed; or null. */
    private String clientConversation(Map<String, Object> requestHeaders) {
        for (String header : headers) {
            String value = RequestHeaders.first(requestHeaders, header);
            if (value != null && !value.isBlank()) {
                return value.trim();
            }
        }
        return null;
    }

    private String continued(String key, String history) {
        return store.find(key).filter(record -> record.seenHistory().equals(history))
                .map(ConversationRecord::conversationId).orElse(null);
    }

    /** The fingerprint of a history's last turn, a user message and the answer to it; null when it does not end so. */
    private static String lastTurn(List<ChatMessage> messages) {
        int size = messages.size();
        if (size < 2 || !"assistant".equals(messages.get(size - 1).role()) || !messages.get(size - 2).isUser()) {
            return null;
        }
        return HistoryFingerprint.of(messages.subList(size - 2, size));
    }

    /** True when the backend says the continued conversation no longer exists (deleted, expired, another user's). */
    public boolean lost(Conversation conversation, Integer status) {
        return conversation.isContinuing() && status != null && status == 404;
    }

    /** Gives up the lost conversation: the request is sent again as the start of a new one. */
    public void startOver(Conversation conversation) {
        LOG.debug("Backend conversation {} is gone; starting a new one", conversation.getContinuedId());
        conversation.startOver();
    }

    /** After a completed turn: the backend conversation has now seen the history plus this answer. */
    public void remember(Conversation conversation, ChatCompletionRequest request, ChatCompletion completion) {
        if (conversation.isStateless() || completion.hasFailed() || completion.upstreamConversationId() == null) {
            return;
        }
        List<ChatMessage> seen = new ArrayList<>(request.messages().subList(0, request.lastUserIndex() + 1));
        seen.add(new ChatMessage("assistant", completion.clientContent()));
        String history = HistoryFingerprint.of(seen);
        ConversationRecord record = new ConversationRecord(completion.upstreamConversationId(), history, lastTurn(seen));
        if (conversation.keyedByHeader()) {
            store.save(conversation.storeKey(), record);
        } else {
            // a fingerprint (or a message id) is used once: a regenerated answer resends the old history, or branches from
            // the same parent, and must not continue what Dify has seen since
            store.remove(conversation.storeKey());
            if (conversation.nextKey() != null) {
                store.save(conversation.nextKey(), record);
                return;
            }
            String scope = conversation.storeKey().substring(0, conversation.storeKey().length() - conversation.history().length());
            store.save(scope + history, record);
        }
    }
}

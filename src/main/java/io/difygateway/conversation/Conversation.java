package io.difygateway.conversation;

/**
 * One request's place in a client conversation: stateless, the start of a new backend conversation, or the
 * continuation of a known one.
 */
public final class Conversation {

    private final String storeKey;
    private final boolean keyedByHeader;
    private final String history;
    private final String nextKey;
    private String continuedId;

    Conversation(String storeKey, boolean keyedByHeader, String history, String continuedId) {
        this(storeKey, keyedByHeader, history, null, continuedId);
    }

    /** @param nextKey where the answered turn is kept (a message id's key), instead of the fingerprint of the new history */
    Conversation(String storeKey, boolean keyedByHeader, String history, String nextKey, String continuedId) {
        this.storeKey = storeKey;
        this.keyedByHeader = keyedByHeader;
        this.history = history;
        this.nextKey = nextKey;
        this.continuedId = continuedId;
    }

    static Conversation stateless() {
        return new Conversation(null, false, null, null);
    }

    /** True when conversations are not kept for this request (stateless model, background task). */
    public boolean isStateless() {
        return storeKey == null;
    }

    /** True when the request continues a known backend conversation: only the new message is sent. */
    public boolean isContinuing() {
        return continuedId != null;
    }

    /** The backend conversation to continue, or null. */
    public String getContinuedId() {
        return continuedId;
    }

    String storeKey() {
        return storeKey;
    }

    boolean keyedByHeader() {
        return keyedByHeader;
    }

    String history() {
        return history;
    }

    String nextKey() {
        return nextKey;
    }

    void startOver() {
        continuedId = null;
    }

    @Override
    public String toString() {
        return isStateless() ? "Conversation[stateless]" : "Conversation[" + (isContinuing() ? "continuing" : "new") + "]";
    }
}

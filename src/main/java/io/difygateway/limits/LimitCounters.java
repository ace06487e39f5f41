package io.difygateway.limits;

/** Counters behind the rate limits: requests per time window and slots for concurrent streams. */
public interface LimitCounters {

    /** Counts one more request in a scope's window and returns the count so far. */
    long countRequest(String scope, long window);

    /** Takes a slot in a scope if fewer than {@code limit} are taken; false when full. */
    boolean tryAcquireSlot(String scope, String permitId, int limit);

    /** Gives a slot back. */
    void releaseSlot(String scope, String permitId);
}

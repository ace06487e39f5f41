package io.difygateway.limits;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/** Counters in this instance's memory (one gateway instance). */
public final class InMemoryLimitCounters implements LimitCounters {

    private final Map<String, AtomicLong> windows = new ConcurrentHashMap<>();
    private final Map<String, Set<String>> slots = new ConcurrentHashMap<>();
    private volatile long currentWindow;

    @Override
    public long countRequest(String scope, long window) {
        if (window != currentWindow) {
            currentWindow = window;
            String suffix = "|" + window;
            windows.keySet().removeIf(key -> !key.endsWith(suffix));
        }
        return windows.computeIfAbsent(scope + "|" + window, key -> new AtomicLong()).incrementAndGet();
    }

    @Override
    public boolean tryAcquireSlot(String scope, String permitId, int limit) {
        Set<String> taken = slots.computeIfAbsent(scope, key -> ConcurrentHashMap.newKeySet());
        synchronized (taken) {
            if (taken.size() >= limit) {
                return false;
            }
            taken.add(permitId);
            return true;
        }
    }

    @Override
    public void releaseSlot(String scope, String permitId) {
        Set<String> taken = slots.get(scope);
        if (taken != null) {
            synchronized (taken) {
                taken.remove(permitId);
            }
        }
    }
}

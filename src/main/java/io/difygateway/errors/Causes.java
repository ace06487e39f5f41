package io.difygateway.errors;

/** Finds a failure's cause of a given type along its cause chain (what a backend call's exception wraps). */
public final class Causes {

    private Causes() {
    }

    /** The first throwable in the chain from {@code failure} that is a {@code type}, or null. */
    public static <T extends Throwable> T find(Throwable failure, Class<T> type) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        return null;
    }
}

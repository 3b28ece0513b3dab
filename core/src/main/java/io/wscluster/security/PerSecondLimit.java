package io.wscluster.security;

/**
 * Counts one connection's events within the current second and says when they pass a bound: what
 * tells an abusive client from a busy one (refusals that do not make it slow down, pings at a rate
 * no keep-alive needs). A plain window, reset on the first event of a new second: two longs and
 * no allocation per event. Not thread-safe: one connection's event loop only.
 */
public final class PerSecondLimit {
    private static final long SECOND = 1_000_000_000L;

    private final long bound;
    private long windowStart = System.nanoTime();
    private long count;

    /** @param bound events a second that are still fine */
    public PerSecondLimit(long bound) {
        this.bound = bound;
    }

    /** Counts one event; true when this second's events are past the bound. */
    public boolean exceeded() {
        long now = System.nanoTime();
        if (now - windowStart >= SECOND) {
            windowStart = now;
            count = 0;
        }
        return ++count > bound;
    }
}

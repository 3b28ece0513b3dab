package io.wscluster.routing;

/** No node can take a connection now: every one is draining, offline or full, or none is known. */
public final class NoNodeAvailableException extends RuntimeException {
    private final int retryAfterSeconds;

    public NoNodeAvailableException(String message, int retryAfterSeconds) {
        super(message, null, false, false);
        this.retryAfterSeconds = retryAfterSeconds;
    }

    /** When to try again (HTTP {@code Retry-After}): about when the next heartbeat may change the picture. */
    public int retryAfterSeconds() {
        return retryAfterSeconds;
    }
}

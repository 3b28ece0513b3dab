package io.wscluster.client;

/**
 * Why a request failed: the server refused it ({@link #code()} is one of protocol.md's error codes,
 * e.g. {@code forbidden}), or the client could not get an answer: {@code connection_lost} (the
 * connection ended with the request in flight: the server may or may not have acted on it), {@code
 * timeout} (no reply within the request timeout, or no connection within it for a held request),
 * {@code held_queue_full} (too many requests already waiting for a connection), {@code closed} (the
 * client was closed), {@code unsubscribed} (a subscription waiting for a connection was unsubscribed).
 */
public final class WscException extends RuntimeException {
    private final String code;
    /** True when the request never left the client: nothing of it can have reached the server. */
    private final boolean unsent;

    /**
     * A failure with a code.
     *
     * @param code    the code, as above
     * @param message what happened, for people
     */
    public WscException(String code, String message) {
        this(code, message, false);
    }

    WscException(String code, String message, boolean unsent) {
        super(code + ": " + message, null, false, false);
        this.code = code;
        this.unsent = unsent;
    }

    /** Returns the protocol's error code, or one of the client's own codes listed above. */
    public String code() {
        return code;
    }

    /** Whether the request never left the client (held, then failed), so the server cannot have acted on it. */
    boolean unsent() {
        return unsent;
    }
}

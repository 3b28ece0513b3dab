package io.wscluster.protocol;

/**
 * The error codes of the wire contract, each with the HTTP status the HTTP API answers it with.
 * {@link #NOT_FOUND} is HTTP-only: a WebSocket client never receives it.
 */
public enum ErrorCode {
    /** Malformed JSON, unknown op, missing or mistyped field, ill-formed room name. */
    BAD_REQUEST("bad_request", 400),
    /** No valid credentials where they are required. */
    UNAUTHORIZED("unauthorized", 401),
    /** Valid credentials, but no permission for this action. */
    FORBIDDEN("forbidden", 403),
    /** HTTP only: no such endpoint. */
    NOT_FOUND("not_found", 404),
    /** A frame or body over the configured maximum. */
    TOO_LARGE("too_large", 413),
    /** Too many requests in a window. */
    RATE_LIMITED("rate_limited", 429),
    /** The node is up but a dependency (the bus) is not: nothing was accepted. */
    UNAVAILABLE("unavailable", 503),
    /**
     * A publish reached the bus but no answer came back in time (Redis stalled, or the link broke
     * after the command left): the message may or may not be stored. Publish again with the same
     * {@code idempotency_key} to find out without storing it twice.
     */
    OUTCOME_UNKNOWN("outcome_unknown", 504),
    /** A bug or unexpected failure on the server. */
    INTERNAL("internal", 500);

    private final String wireName;
    private final int httpStatus;

    ErrorCode(String wireName, int httpStatus) {
        this.wireName = wireName;
        this.httpStatus = httpStatus;
    }

    /** The value of the {@code code} field. */
    public String wireName() {
        return wireName;
    }

    public int httpStatus() {
        return httpStatus;
    }
}

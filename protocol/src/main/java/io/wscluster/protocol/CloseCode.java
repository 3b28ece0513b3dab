package io.wscluster.protocol;

/** The WebSocket close codes of the wire contract and when the server uses each. */
public enum CloseCode {
    /** Normal closure. */
    NORMAL(1000),
    /** The node is shutting down; sent after a {@code reconnect} frame with reason {@code shutdown}. */
    GOING_AWAY(1001),
    /** WebSocket protocol violation. */
    PROTOCOL_ERROR(1002),
    /** A binary frame on {@code wsc.v1.json}, or a text frame on {@code wsc.v1.msgpack}. */
    UNSUPPORTED_DATA(1003),
    /** Invalid UTF-8 in a text frame. */
    INVALID_PAYLOAD(1007),
    /** Policy: token expired, origin refused, rate-limit abuse, slow consumer. */
    POLICY_VIOLATION(1008),
    /** A frame or message over the configured maximum. */
    MESSAGE_TOO_BIG(1009),
    /** Internal error. */
    INTERNAL_ERROR(1011),
    /** Drain or failover, after a {@code reconnect} frame. */
    SERVICE_RESTART(1012),
    /** Overloaded: try again later. */
    TRY_AGAIN_LATER(1013);

    private final int code;

    CloseCode(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }
}

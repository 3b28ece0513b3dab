package io.wscluster.protocol;

/**
 * A request the server refuses, with the error code and message the client receives. Thrown at the
 * door (parsing, validation, authorization) and turned into an {@code error} frame or an HTTP error.
 */
public final class ProtocolException extends RuntimeException {
    private final ErrorCode code;
    private final long requestId;

    public ProtocolException(ErrorCode code, String message) {
        this(code, message, 0);
    }

    public ProtocolException(ErrorCode code, String message, long requestId) {
        super(message, null, false, false);
        this.code = code;
        this.requestId = requestId;
    }

    public static ProtocolException badRequest(String message) {
        return new ProtocolException(ErrorCode.BAD_REQUEST, message);
    }

    public ErrorCode code() {
        return code;
    }

    /** The {@code id} of the request that failed, or 0 when it had none or could not be read. */
    public long requestId() {
        return requestId;
    }

    public ProtocolException withRequestId(long id) {
        return id == requestId ? this : new ProtocolException(code, getMessage(), id);
    }
}

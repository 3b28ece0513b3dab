package io.wscluster.client;

/** A request the server refused ({@code code} from protocol.md, e.g. {@code forbidden}), or one whose connection was lost. */
public final class WscException extends RuntimeException {
    private final String code;

    public WscException(String code, String message) {
        super(code + ": " + message, null, false, false);
        this.code = code;
    }

    /** The protocol's error code, or {@code connection_lost} when the connection ended before the reply. */
    public String code() {
        return code;
    }
}

package io.wscluster;

/**
 * A node could not start, for a reason the operator can fix. The message is one line naming the
 * setting and the value, e.g. {@code port: 8080 is already in use}.
 */
public final class StartupException extends RuntimeException {
    public StartupException(String message) {
        super(message, null, false, false);
    }
}

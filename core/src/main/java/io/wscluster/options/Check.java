package io.wscluster.options;

/**
 * The one shape of a rejected option, shared by every option group so that a bad setting gets the
 * same one line wherever it is read: {@code port: '70000' is not valid, expected 0 to 65535}.
 */
public final class Check {
    private Check() {
    }

    /** Throws {@link IllegalArgumentException} naming {@code setting} and {@code expected} unless {@code ok}. */
    public static void setting(boolean ok, String setting, Object value, String expected) {
        if (!ok) {
            throw new IllegalArgumentException(setting + ": '" + value + "' is not valid, expected " + expected);
        }
    }

    /** {@code value}, or null when it is null or empty: an empty setting means "none". */
    public static String noneIfEmpty(String value) {
        return value == null || value.isEmpty() ? null : value;
    }
}

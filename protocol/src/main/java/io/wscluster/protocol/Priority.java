package io.wscluster.protocol;

import java.util.Locale;

/** Delivery priority of a message. The bus batches {@code low} and {@code normal}; the others go at once. */
public enum Priority {
    LOW, NORMAL, HIGH, CRITICAL;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses the wire name; {@code null} means {@link #NORMAL}. */
    public static Priority parse(String value) {
        if (value == null) {
            return NORMAL;
        }
        switch (value) {
            case "low": return LOW;
            case "normal": return NORMAL;
            case "high": return HIGH;
            case "critical": return CRITICAL;
            default:
                throw ProtocolException.badRequest("priority must be low, normal, high or critical, not '" + value + "'");
        }
    }
}

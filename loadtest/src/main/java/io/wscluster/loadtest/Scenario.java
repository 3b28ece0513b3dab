package io.wscluster.loadtest;

import java.util.Locale;

/** What the virtual users do. */
public enum Scenario {
    /** Connect and hold. */
    IDLE,
    /** Every connection subscribes to one of {@code rooms} rooms; publishers publish to them at a total rate. */
    FANOUT,
    /** Many small rooms of {@code room-size} members each (members spread over the target URLs); each room gets messages. */
    ROOMS,
    /** User-targeted {@code send} to random connected users (each connection is a user). */
    P2P,
    /** {@code broadcast} to every connection. */
    BROADCAST,
    /** Connections opening and closing at {@code churn-rate} per second while the rest hold. */
    CHURN,
    /** A fanout in which a share of the subscribers is dropped at once and reconnects with {@code since} recovery. */
    RECONNECT_STORM;

    public String cliName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    public static Scenario parse(String name) {
        for (Scenario s : values()) {
            if (s.cliName().equals(name)) {
                return s;
            }
        }
        throw new IllegalArgumentException("scenario: '" + name + "' is not one of idle, fanout, rooms, p2p, broadcast, churn, reconnect-storm");
    }

    /** True when the scenario publishes messages. */
    boolean publishes() {
        return this != IDLE && this != CHURN;
    }

    /** True when every connection subscribes to a room. */
    boolean subscribes() {
        return this == FANOUT || this == ROOMS || this == RECONNECT_STORM;
    }
}

package io.wscluster.protocol;

import java.util.Locale;

/** Why the server asks a client to reconnect. */
public enum ReconnectReason {
    DRAIN, REBALANCE, FAILOVER, SHUTDOWN;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}

package io.wscluster.protocol;

import java.util.Locale;

/**
 * Why the server asks a client to reconnect. {@link #ISOLATED}: the node lost its link to Redis
 * while the rest of the cluster kept theirs (an addition to the contract).
 */
public enum ReconnectReason {
    DRAIN, REBALANCE, FAILOVER, SHUTDOWN, ISOLATED;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}

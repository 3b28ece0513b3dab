package io.wscluster.failover;

import java.util.Locale;

/** How a failed node's sessions are moved (the {@code failover-strategy} setting). */
public enum FailoverStrategy {
    /** Move every session at once: the fastest recovery; use when the survivors have headroom. */
    IMMEDIATE,
    /**
     * Move sessions in paced batches ({@code failover-batch} every {@code failover-pace}): the
     * survivors are not hit by a reconnect storm; use for large nodes or survivors near capacity.
     */
    GRACEFUL,
    /**
     * Wait {@code failover-grace} first, and move nothing if the node is back by then: a network
     * blip or a long GC pause costs no migration; use where nodes rarely die but sometimes stall.
     */
    DELAYED;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Throws {@link IllegalArgumentException} listing the valid names. */
    public static FailoverStrategy parse(String name) {
        for (FailoverStrategy s : values()) {
            if (s.wireName().equals(name)) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown failover strategy '" + name + "': expected immediate, graceful or delayed");
    }
}

package io.wscluster.cluster;

import java.util.Locale;

/** The life of a node as the cluster sees it. Only {@link #ACTIVE} takes new connections. */
public enum NodeState {
    /** Starting: not yet accepting. */
    JOINING,
    /** Serving and accepting new connections. */
    ACTIVE,
    /** Moving its clients away (drain or shutdown): serves existing ones, takes no new ones. */
    DRAINING,
    /** Gone. */
    OFFLINE;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}

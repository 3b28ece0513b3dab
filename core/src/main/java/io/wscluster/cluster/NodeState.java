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
    /**
     * Cut off from the cluster's Redis while the other nodes are not: it has sent its clients to
     * them and takes no new ones until Redis answers again, when it is active once more.
     */
    FENCED,
    /** Gone. */
    OFFLINE;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}

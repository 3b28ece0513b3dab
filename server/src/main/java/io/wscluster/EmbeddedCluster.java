package io.wscluster;

import io.wscluster.bus.LocalBus;
import io.wscluster.cluster.LocalMembership;
import io.wscluster.cluster.Membership;
import io.wscluster.history.LocalHistory;
import io.wscluster.failover.LocalFailoverLog;
import io.wscluster.failover.LocalSessionStore;
import io.wscluster.presence.LocalPresenceStore;
import io.wscluster.routing.LocalStickyRegistry;
import io.wscluster.routing.RoutingOptions;
import io.wscluster.routing.StickyRegistry;
import java.time.Duration;

/**
 * Several nodes in one process that form one cluster without Redis: they share rooms, offsets,
 * history and presence, and list each other in {@code /api/cluster}. What {@code wsc demo} runs
 * when no Redis is reachable; give the same instance to each node's builder. They share one sticky
 * registry too (with the default TTL).
 */
public final class EmbeddedCluster {
    final LocalBus.Group bus;
    final LocalPresenceStore presence = new LocalPresenceStore();
    final LocalMembership.Registry members = new LocalMembership.Registry();
    final LocalStickyRegistry sticky = new LocalStickyRegistry(RoutingOptions.DEFAULT.stickyTtl());
    final LocalFailoverLog failovers = new LocalFailoverLog();
    final LocalSessionStore sessions = new LocalSessionStore(NodeOptions.DEFAULT_SESSION_TTL, NodeOptions.DEFAULT_HEARTBEAT);

    public EmbeddedCluster(int historySize, Duration historyTtl) {
        this.bus = new LocalBus.Group(new LocalHistory(historySize, historyTtl));
    }

    /** The nodes of this cluster, for an in-process gateway; lists without joining. */
    public Membership membership() {
        return members.observer();
    }

    /** The sticky registry the nodes share, for an in-process gateway. */
    public StickyRegistry sticky() {
        return sticky;
    }

    /** Ends the session store's timer, once the nodes are stopped; {@link LocalNodes} does it. */
    void close() {
        sessions.close();
    }
}

package io.wscluster;

import io.wscluster.bus.LocalBus;
import io.wscluster.cluster.LocalMembership;
import io.wscluster.cluster.Membership;
import io.wscluster.failover.FailoverOptions;
import io.wscluster.failover.LocalFailoverLog;
import io.wscluster.failover.LocalSessionStore;
import io.wscluster.history.HistoryLimits;
import io.wscluster.history.LocalHistory;
import io.wscluster.presence.LocalPresenceStore;
import io.wscluster.redis.BusOptions;
import io.wscluster.resources.NodeResources;
import io.wscluster.routing.LocalStickyRegistry;
import io.wscluster.routing.RoutingOptions;
import io.wscluster.routing.StickyRegistry;
import io.wscluster.transport.SessionIds;
import java.time.Duration;

/**
 * Several nodes in one process that form one cluster without Redis: they share rooms, offsets,
 * history and presence, and list each other in {@code /api/cluster}. What {@code wsc demo} runs
 * when no Redis is reachable; give the same instance to each node's builder. They share one sticky
 * registry too (with the default TTL).
 *
 * <p>The shared parts outlive any one node, so their periodic work (history expiry, session
 * records, the membership's state checks and events) runs on a scheduler of the cluster's own,
 * which {@link #close()} stops once its nodes have stopped.
 */
public final class EmbeddedCluster implements AutoCloseable {
    private final NodeResources resources = NodeResources.create("embedded-cluster");
    final LocalBus.Group bus;
    final LocalPresenceStore presence = new LocalPresenceStore();
    final LocalMembership.Registry members = new LocalMembership.Registry(resources.scheduler(), BusOptions.DEFAULT_HEARTBEAT);
    final LocalStickyRegistry sticky = new LocalStickyRegistry(RoutingOptions.DEFAULT.stickyTtl());
    final LocalFailoverLog failovers = new LocalFailoverLog();
    final LocalSessionStore sessions = new LocalSessionStore(FailoverOptions.DEFAULT.sessionTtl(), BusOptions.DEFAULT_HEARTBEAT,
            resources.scheduler());
    /** Signs the session ids of every node of this cluster, which lives as long as the records above. */
    final byte[] sessionIdKey = SessionIds.newKey();

    public EmbeddedCluster(int historySize, Duration historyTtl) {
        this(HistoryLimits.uniform(historySize, historyTtl));
    }

    /** A cluster whose rooms keep history as {@code history} says (per namespace, say). */
    public EmbeddedCluster(HistoryLimits history) {
        this.bus = new LocalBus.Group(new LocalHistory(history), resources.scheduler());
    }

    /** The nodes of this cluster, for an in-process gateway; lists and hears events without joining. */
    public Membership membership() {
        return members.observer();
    }

    /** The sticky registry the nodes share, for an in-process gateway. */
    public StickyRegistry sticky() {
        return sticky;
    }

    /** Stops the shared parts' periodic work; call it after its nodes have stopped. Idempotent. */
    @Override
    public void close() {
        resources.close();
    }
}

package io.wscluster;

import io.wscluster.bus.LocalBus;
import io.wscluster.cluster.LocalMembership;
import io.wscluster.history.LocalHistory;
import io.wscluster.presence.LocalPresenceStore;
import io.wscluster.routing.LocalStickyRegistry;
import io.wscluster.routing.RoutingOptions;
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

    public EmbeddedCluster(int historySize, Duration historyTtl) {
        this.bus = new LocalBus.Group(new LocalHistory(historySize, historyTtl));
    }
}

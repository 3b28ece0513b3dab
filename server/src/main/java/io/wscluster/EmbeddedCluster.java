package io.wscluster;

import io.wscluster.bus.LocalBus;
import io.wscluster.cluster.LocalMembership;
import io.wscluster.history.LocalHistory;
import io.wscluster.presence.LocalPresenceStore;
import java.time.Duration;

/**
 * Several nodes in one process that form one cluster without Redis: they share rooms, offsets,
 * history and presence, and list each other in {@code /api/cluster}. What {@code wsc demo} runs
 * when no Redis is reachable; give the same instance to each node's builder.
 */
public final class EmbeddedCluster {
    final LocalBus.Group bus;
    final LocalPresenceStore presence = new LocalPresenceStore();
    final LocalMembership.Registry members = new LocalMembership.Registry();

    public EmbeddedCluster(int historySize, Duration historyTtl) {
        this.bus = new LocalBus.Group(new LocalHistory(historySize, historyTtl));
    }
}

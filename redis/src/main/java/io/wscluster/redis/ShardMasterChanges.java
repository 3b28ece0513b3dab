package io.wscluster.redis;

import io.lettuce.core.RedisURI;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.SlotHash;
import io.lettuce.core.cluster.event.ClusterTopologyChangedEvent;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import java.util.BitSet;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;

/**
 * The slots of a Redis Cluster that another master serves after a change of the cluster's
 * topology as a Lettuce client sees it (a failover, a resharding), for what the client holds on a
 * slot's master beyond single commands: sharded pub/sub subscriptions.
 *
 * <p>Why: Lettuce sends {@code SSUBSCRIBE} to the master of the channel's slot, on a pub/sub
 * connection of that node, and subscribes it again only when that same connection reconnects.
 * When the master dies and its replica is promoted, the connection keeps trying the dead node and
 * nothing subscribes the channel on the new master: its messages stop arriving, silently.
 *
 * <p>How: Lettuce publishes a {@link ClusterTopologyChangedEvent} (before and after) on its client's
 * event bus when a refresh (periodic, or adaptive: a failed reconnect, a redirection) finds a new
 * topology; each slot's master (as host and port, which is what Lettuce routes by) is compared.
 * The event comes a little before Lettuce hands the new topology to its connections: a subscribe
 * sent at once may still go to the old master and fail, and is to be retried.
 */
final class ShardMasterChanges {
    private static final Logger log = LoggerFactory.getLogger(ShardMasterChanges.class);

    private ShardMasterChanges() {
    }

    /**
     * Calls {@code moved} with the slots whose master changed, at each topology change {@code
     * client} sees, on a Lettuce thread; running what this returns stops it.
     */
    static Runnable watch(RedisClusterClient client, Consumer<BitSet> moved) {
        Objects.requireNonNull(moved, "moved");
        Disposable events = client.getResources().eventBus().get()
                .ofType(ClusterTopologyChangedEvent.class)
                .subscribe(e -> {
                    BitSet slots = movedSlots(e.before(), e.after());
                    if (!slots.isEmpty()) {
                        log.info("the Redis Cluster's topology changed: {} slot(s) have another master", slots.cardinality());
                        moved.accept(slots);
                    }
                }, error -> log.warn("stopped following the Redis Cluster's topology: {}", error.toString()));
        return events::dispose;
    }

    /** The slots whose master in {@code after} is another (or none) than in {@code before}. */
    static BitSet movedSlots(List<RedisClusterNode> before, List<RedisClusterNode> after) {
        String[] was = masters(before);
        String[] is = masters(after);
        BitSet moved = new BitSet(SlotHash.SLOT_COUNT);
        for (int slot = 0; slot < SlotHash.SLOT_COUNT; slot++) {
            if (!Objects.equals(was[slot], is[slot])) {
                moved.set(slot);
            }
        }
        return moved;
    }

    /** Each slot's master as {@code host:port}; null for a slot no master serves. */
    private static String[] masters(List<RedisClusterNode> nodes) {
        String[] masters = new String[SlotHash.SLOT_COUNT];
        for (RedisClusterNode node : nodes) {
            RedisURI uri = node.getUri();
            if (node.is(RedisClusterNode.NodeFlag.UPSTREAM) && uri != null) {
                for (int slot : node.getSlots()) {
                    masters[slot] = uri.getHost() + ":" + uri.getPort();
                }
            }
        }
        return masters;
    }
}

package io.wscluster.routing;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/**
 * Which node a sticky key (user, session or address) was placed on. Entries expire after a TTL
 * without use, so the mappings of clients that went away vanish. Implementations: the in-process
 * {@link LocalStickyRegistry}, and one on Redis shared by every node and gateway of a cluster.
 * Never blocks; thread-safe.
 */
public interface StickyRegistry {
    /** The node {@code key} is mapped to, or null. */
    CompletionStage<String> lookup(String key);

    /**
     * The node {@code key} is mapped to in the shared store now, past any local cache: for a cached
     * mapping to a node that is gone, which a failover may have moved meanwhile.
     */
    default CompletionStage<String> lookupFresh(String key) {
        return lookup(key);
    }

    /** Maps {@code key} to {@code nodeId} (again), renewing its TTL. */
    CompletionStage<Void> assign(String key, String nodeId);

    /** The keys mapped to {@code nodeId}: what a failover of that node has to move. */
    CompletionStage<List<String>> keysOf(String nodeId);

    /** Fraction of lookups answered without a round trip to the shared store (1 for a local one). */
    double cacheHitRate();

    /**
     * Moves every mapping of {@code fromNode} to the node {@code target} gives for its key (null:
     * leave it to expire), and completes with how many moved.
     */
    default CompletionStage<Integer> migrate(String fromNode, Function<String, String> target) {
        return keysOf(fromNode).thenCompose(keys -> {
            CompletableFuture<?>[] moves = keys.stream().map(k -> {
                String to = target.apply(k);
                return to == null ? CompletableFuture.completedFuture(null) : assign(k, to).toCompletableFuture();
            }).toArray(CompletableFuture[]::new);
            return CompletableFuture.allOf(moves).thenApply(v ->
                    (int) keys.stream().filter(k -> target.apply(k) != null).count());
        });
    }
}

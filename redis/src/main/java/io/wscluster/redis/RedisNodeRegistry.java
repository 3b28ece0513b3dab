package io.wscluster.redis;

import io.lettuce.core.RedisFuture;
import io.lettuce.core.ScoredValue;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.wscluster.cluster.MembershipEvent;
import io.wscluster.cluster.NodeInfo;
import io.wscluster.cluster.NodeInfoJson;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The reading side of {@link RedisMembership}: lists the nodes whose lease is alive and hears the
 * events they announce. Alone it is an observer (a gateway, {@code wsc status}); a node pairs it
 * with its {@link RedisNodeRegistration}. The keys and the reasons behind them are on
 * {@link RedisMembership}.
 *
 * <p>Threading: callable from any thread, never blocks; results and events arrive on Lettuce's
 * threads, events one at a time.
 */
final class RedisNodeRegistry {
    private static final Logger log = LoggerFactory.getLogger(RedisNodeRegistry.class);

    private final RedisLinks links;
    private final RedisClusterAsyncCommands<String, String> redis;
    private final RedisKeys keys;
    private final long leaseMillis;
    private final List<Consumer<MembershipEvent>> listeners = new CopyOnWriteArrayList<>();
    private volatile boolean subscribed;

    /**
     * @param links       hears events when they have a pub/sub connection
     * @param leaseMillis how long a record lives without a heartbeat (3 × heartbeat)
     */
    RedisNodeRegistry(RedisLinks links, RedisKeys keys, long leaseMillis) {
        this.links = links;
        this.redis = links.commands();
        this.keys = keys;
        this.leaseMillis = leaseMillis;
        if (links.pubsub() != null) {
            links.onMessage(this::onMessage);
        }
    }

    /** Every node whose lease is alive, ordered by id; prunes the ids of long-dead nodes on the way. */
    CompletionStage<List<NodeInfo>> nodes() {
        RedisFuture<List<String>> time = redis.time();
        RedisFuture<List<ScoredValue<String>>> members = redis.zrangeWithScores(keys.nodeIds(), 0, -1);
        return time.thenCombine(members, (t, m) -> {
            long cutoff = millis(t) - leaseMillis;
            List<String> live = new ArrayList<>();
            List<String> dead = new ArrayList<>();
            for (ScoredValue<String> member : m) {
                (member.getScore() < cutoff ? dead : live).add(member.getValue());
            }
            if (!dead.isEmpty()) {
                redis.zrem(keys.nodeIds(), dead.toArray(String[]::new)); // best effort: the next reader retries
            }
            return live;
        }).thenCompose(this::readRecords);
    }

    /** @throws IllegalStateException when the links have no pub/sub connection */
    void addListener(Consumer<MembershipEvent> listener) {
        Objects.requireNonNull(listener, "listener");
        if (links.pubsub() == null) {
            throw new IllegalStateException("receiving events needs a RedisMembership built from a RedisClient"
                    + " or a RedisClusterClient");
        }
        listeners.add(listener);
    }

    void removeListener(Consumer<MembershipEvent> listener) {
        listeners.remove(listener);
    }

    /** Subscribes to events, when the links can hear them; completes once subscribed. */
    CompletionStage<Void> subscribe() {
        if (links.pubsub() == null) {
            return CompletableFuture.completedFuture(null);
        }
        return links.subscribe(keys.membershipEvents()).thenRun(() -> subscribed = true);
    }

    /** Subscribes again when a subscription was refused (Redis down at start); a node calls it every heartbeat. */
    void subscribeIfRefused() {
        if (links.pubsub() != null && !subscribed) {
            subscribe();
        }
    }

    /** Milliseconds from the reply of {@code TIME}: seconds and microseconds. */
    static long millis(List<String> time) {
        return Long.parseLong(time.get(0)) * 1000 + Long.parseLong(time.get(1)) / 1000;
    }

    private CompletionStage<List<NodeInfo>> readRecords(List<String> ids) {
        if (ids.isEmpty()) {
            return CompletableFuture.completedFuture(List.of());
        }
        // One GET per record, all in flight at once: no multi-key command, so no cross-slot error on a cluster.
        List<String> recordKeys = ids.stream().map(keys::nodeRecord).toList();
        List<CompletableFuture<String>> reads = recordKeys.stream().map(k -> redis.get(k).toCompletableFuture()).toList();
        return CompletableFuture.allOf(reads.toArray(CompletableFuture[]::new)).thenApply(v -> {
            List<NodeInfo> nodes = new ArrayList<>(recordKeys.size());
            for (int i = 0; i < recordKeys.size(); i++) {
                String json = reads.get(i).join(); // done: allOf completed
                if (json != null) { // a missing record is an expired lease: a failed node
                    parse(recordKeys.get(i), json, nodes);
                }
            }
            nodes.sort(Comparator.comparing(NodeInfo::id));
            return nodes;
        });
    }

    private static void parse(String key, String json, List<NodeInfo> into) {
        try {
            into.add(NodeInfoJson.read(json));
        } catch (IllegalArgumentException e) {
            log.warn("skipping unreadable node record {}: {}", key, e.getMessage());
        }
    }

    private void onMessage(String channel, String message) {
        if (!keys.membershipEvents().equals(channel)) {
            return;
        }
        MembershipEvent event;
        try {
            event = MembershipEventJson.read(message);
        } catch (IllegalArgumentException e) {
            log.debug("ignoring a message on {}: {}", channel, e.getMessage());
            return;
        }
        for (Consumer<MembershipEvent> listener : listeners) {
            try {
                listener.accept(event);
            } catch (RuntimeException e) {
                log.warn("a membership listener failed on {}", event, e);
            }
        }
    }
}

package io.wscluster.redis;

import io.lettuce.core.RedisFuture;
import io.lettuce.core.SetArgs;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.wscluster.cluster.MembershipEvent;
import io.wscluster.cluster.NodeInfo;
import io.wscluster.cluster.NodeInfoJson;
import io.wscluster.cluster.NodeState;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The writing side of {@link RedisMembership}: this node's record, renewed every heartbeat, and
 * the events it announces about itself: {@code join} when no record was there (first heartbeat,
 * or the record was lost), {@code update} on a change of {@link NodeState}, {@code leave} when it
 * deregisters. A record found lost after this node had registered means the cluster took it for
 * dead meanwhile: the registration-lost action runs. The keys and the reasons behind them are on
 * {@link RedisMembership}.
 *
 * <p>Threading: beats run on the node's scheduler and never wait on Redis; everything else is
 * callable from any thread and never blocks. The registration-lost action runs on a Lettuce thread.
 */
final class RedisNodeRegistration {
    private static final Logger log = LoggerFactory.getLogger(RedisNodeRegistration.class);

    private final RedisLinks links;
    private final RedisClusterAsyncCommands<String, String> redis;
    private final RedisNodeRegistry registry;
    private final Supplier<NodeInfo> self;
    private final String id;
    private final long leaseMillis;
    private final String nodeKey;
    private final String nodesKey;
    private final String eventsChannel;
    private final Heartbeat heartbeat;
    /** The state last announced; null while a join is still to be announced. */
    private volatile NodeState announced;
    private volatile boolean registered;
    private volatile Runnable onRegistrationLost = () -> { };

    /**
     * @param registry    whose event subscription, when Redis refused it at start, is retried every heartbeat
     * @param self        this node's current figures, read at every heartbeat; its id is {@code id}
     * @param leaseMillis how long the record lives without a heartbeat
     */
    RedisNodeRegistration(RedisLinks links, RedisKeys keys, RedisNodeRegistry registry, String id, Supplier<NodeInfo> self,
                          Duration period, long leaseMillis, ScheduledExecutorService scheduler) {
        this.links = links;
        this.redis = links.commands();
        this.registry = registry;
        this.self = self;
        this.id = id;
        this.leaseMillis = leaseMillis;
        this.nodeKey = keys.nodeRecord(id);
        this.nodesKey = keys.nodeIds();
        this.eventsChannel = keys.membershipEvents();
        this.heartbeat = new Heartbeat("membership of node " + id, period, scheduler, this::beat);
    }

    /** Registers now, then renews every period; completes with the first registration's outcome. */
    CompletionStage<Void> start() {
        return heartbeat.start();
    }

    /** Stops renewing without deregistering (what a crash looks like); completes once no beat is in flight. */
    CompletionStage<Void> stop() {
        return heartbeat.stop();
    }

    /** Removes the record and announces {@code leave}; call it after {@link #stop()}. */
    CompletionStage<Void> deregister() {
        RedisFuture<Long> deleted = redis.del(nodeKey);
        RedisFuture<Long> removed = redis.zrem(nodesKey, id);
        CompletionStage<Void> left = publish(MembershipEvent.Type.LEAVE);
        return CompletableFuture.allOf(deleted.toCompletableFuture(), removed.toCompletableFuture(),
                left.toCompletableFuture());
    }

    long healthySinceNanos() {
        return heartbeat.healthySinceNanos();
    }

    long lastHeartbeatNanos() {
        return heartbeat.lastSuccessNanos();
    }

    void onRegistrationLost(Runnable action) {
        onRegistrationLost = Objects.requireNonNull(action, "action");
    }

    private CompletionStage<Void> beat() {
        registry.subscribeIfRefused();
        NodeInfo info = self.get();
        if (!id.equals(info.id())) {
            throw new IllegalStateException("node id changed from " + id + " to " + info.id());
        }
        String json = NodeInfoJson.write(info);
        return redis.time().thenCompose(t -> {
            RedisFuture<String> previous = redis.setGet(nodeKey, json, SetArgs.Builder.px(leaseMillis));
            RedisFuture<Long> added = redis.zadd(nodesKey, (double) RedisNodeRegistry.millis(t), id);
            RedisFuture<Boolean> expiry = redis.pexpire(nodesKey, leaseMillis);
            return CompletableFuture.allOf(previous.toCompletableFuture(), added.toCompletableFuture(),
                            expiry.toCompletableFuture())
                    .thenCompose(v -> announce(previous.toCompletableFuture().join(), info.state()));
        });
    }

    /** Announces join when the record was missing or not yet announced, update on a state change. */
    private CompletionStage<Void> announce(String previousRecord, NodeState state) {
        if (previousRecord == null) {
            announced = null;
            if (registered) {
                heartbeat.stalled(); // the others' records are likely gone too (Redis lost them): give them a lease
                log.warn("node {}: its membership record was gone (away longer than {} ms): joining again as new", id, leaseMillis);
                onRegistrationLost.run();
            }
        }
        registered = true;
        NodeState before = announced;
        if (before == state) {
            return CompletableFuture.completedFuture(null);
        }
        MembershipEvent.Type type = before == null ? MembershipEvent.Type.JOIN : MembershipEvent.Type.UPDATE;
        // Recorded only once published, so a failed announcement is made again at the next heartbeat.
        return publish(type).thenRun(() -> announced = state);
    }

    private CompletionStage<Void> publish(MembershipEvent.Type type) {
        return links.publish(eventsChannel, MembershipEventJson.write(new MembershipEvent(type, id))).thenApply(receivers -> null);
    }
}

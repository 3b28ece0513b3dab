package io.wscluster.redis;

import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.ScoredValue;
import io.lettuce.core.SetArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.wscluster.cluster.Membership;
import io.wscluster.cluster.NodeInfo;
import io.wscluster.cluster.NodeInfoJson;
import io.wscluster.cluster.NodeState;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Membership on Redis, with a lease per node: each node rewrites its own record every heartbeat,
 * the record expires three heartbeats later, and {@link #nodes()} lists only nodes whose record
 * exists. A node that crashes is therefore gone within the failure-detection time (three missed
 * heartbeats) without anyone cleaning up after it.
 *
 * <p>Keys, under the cluster's namespace {@code ns}:
 * <ul>
 *   <li>{@code <ns>:node:<id>}: the node's {@link NodeInfo} as JSON (the field names of
 *       {@code GET /api/cluster}), expiring after 3 × heartbeat;</li>
 *   <li>{@code <ns>:nodes}: sorted set of node ids, scored by the time (ms) of their last
 *       heartbeat; it expires after 3 × heartbeat too, so a cluster that is gone leaves nothing;</li>
 *   <li>{@code <ns>:events}: channel of {@link MembershipEvent}s as JSON.</li>
 * </ul>
 *
 * <p>On a Redis Cluster these keys fall into different slots, and that is on purpose: every
 * command touches one key, and {@link #nodes()} reads the records with one {@code GET} per node
 * (pipelined, so one round trip), not a cross-slot {@code MGET}. Records spread over the shards
 * instead of loading one, and the key names stay those of a standalone Redis. Events travel by
 * sharded pub/sub ({@code SPUBLISH}/{@code SSUBSCRIBE}) there, by classic pub/sub on a standalone
 * Redis.
 *
 * <p>Implementation notes. Scores come from Redis's clock ({@code TIME}), not the machines', so
 * clock skew between nodes never makes a healthy node look dead. The record's expiry is the
 * authority; the score only lets a reader prune ids that are long dead ({@code ZREM}) without
 * reading their records. A heartbeat writes with {@code SET ... PX ... GET}: when no record was
 * there (first heartbeat, or the record was lost to an outage, a pause longer than the lease or a
 * Redis restart) the node announces {@code join}; a change of {@link NodeState} announces
 * {@code update}; {@link #close()} announces {@code leave}. Events are hints for reacting quickly:
 * a crash announces nothing, so {@link #nodes()} stays the truth. Every node of one cluster must
 * use the same heartbeat. Needs Redis 6.2 or later (7 or later for a Redis Cluster). On a Redis
 * Cluster, {@code TIME} is answered by whichever master Lettuce picks for keyless commands: the
 * masters' clocks must agree to well within a lease (NTP does that), or a reader may prune a live
 * id early, which that node's next heartbeat puts back.
 *
 * <p>Threading: every method is callable from any thread and never blocks, except
 * {@link #close()}, which waits a few seconds at most. Results and events arrive on Lettuce's
 * threads: listeners must be quick and must not block. When Redis is down, {@link #nodes()}
 * completes exceptionally (give the client a command timeout and
 * {@code DisconnectedBehavior.REJECT_COMMANDS} so that it does so promptly), and heartbeats keep
 * being retried, logged once per outage.
 */
public final class RedisMembership implements Membership, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RedisMembership.class);
    private static final Duration CLOSE_WAIT = Duration.ofSeconds(5);
    private static final int MISSED_HEARTBEATS = 3;

    private final RedisLinks links;
    private final boolean ownsConnections;
    private final RedisClusterAsyncCommands<String, String> redis;
    private final Supplier<NodeInfo> self;
    private final String id;
    private final long leaseMillis;
    private final String nodePrefix;
    private final String nodeKey;
    private final String nodesKey;
    private final String eventsChannel;
    private final Heartbeat heartbeat;
    private final List<Consumer<MembershipEvent>> listeners = new CopyOnWriteArrayList<>();
    private final AtomicBoolean started = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final CompletableFuture<Void> closing = new CompletableFuture<>();
    private volatile boolean subscribed;
    /** The state last announced; null while a join is still to be announced. */
    private volatile NodeState announced;
    private volatile boolean registered;
    private volatile Runnable onRegistrationLost = () -> { };

    /**
     * A membership over a connection the caller owns and closes. It announces events but cannot
     * receive them: {@link #addListener} needs the {@link RedisClient} constructor.
     *
     * @param heartbeat time between two heartbeats; a node is failed after three missed ones
     * @param self      this node's current figures, read at every heartbeat (keep it quick); its id never
     *                  changes
     */
    public RedisMembership(StatefulRedisConnection<String, String> connection, String namespace, Duration heartbeat,
                           Supplier<NodeInfo> self) {
        this(RedisLinks.over(Objects.requireNonNull(connection, "connection").async()), false, namespace, heartbeat, self);
    }

    /**
     * A membership over the async commands of a connection the caller owns and closes, to a
     * standalone Redis or a Redis Cluster ({@code StatefulRedisClusterConnection.async()}). It
     * announces events but cannot receive them: {@link #addListener} needs a client constructor.
     */
    public RedisMembership(RedisClusterAsyncCommands<String, String> commands, String namespace, Duration heartbeat,
                           Supplier<NodeInfo> self) {
        this(RedisLinks.over(Objects.requireNonNull(commands, "commands")), false, namespace, heartbeat, self);
    }

    /**
     * A membership with connections of its own, opened now (this blocks: call it at startup, not
     * on an event loop) and closed by {@link #close()}. It receives events.
     *
     * @throws io.lettuce.core.RedisConnectionException when Redis cannot be reached
     */
    public RedisMembership(RedisClient client, String namespace, Duration heartbeat, Supplier<NodeInfo> self) {
        this(open(client, namespace, heartbeat, self), true, namespace, heartbeat, self);
    }

    /**
     * A membership on a Redis Cluster, with connections of its own, opened now (this blocks: call
     * it at startup, not on an event loop) and closed by {@link #close()}. It receives events.
     *
     * @throws io.lettuce.core.RedisException when no node of the cluster can be reached
     */
    public RedisMembership(RedisClusterClient client, String namespace, Duration heartbeat, Supplier<NodeInfo> self) {
        this(open(client, namespace, heartbeat, self), true, namespace, heartbeat, self);
    }

    /** {@code self} null: an observer, which lists nodes and hears events but never registers. */
    /**
     * A membership that only watches: {@link #nodes()} and events, without registering a node of
     * its own (a gateway, {@code wsc status}). Opens connections now (this blocks) and closes them
     * on {@link #close()}; {@link #start()} subscribes to events.
     *
     * @param heartbeat the cluster's heartbeat, which the nodes' leases derive from
     * @throws io.lettuce.core.RedisException when Redis cannot be reached
     */
    public static RedisMembership observer(AbstractRedisClient client, String namespace, Duration heartbeat) {
        requireNamespace(namespace);
        Heartbeat.requirePositive(heartbeat, "heartbeat");
        RedisLinks links = client instanceof RedisClusterClient c ? RedisLinks.open(c) : RedisLinks.open((RedisClient) client);
        return new RedisMembership(links, true, namespace, heartbeat, null);
    }

    private RedisMembership(RedisLinks links, boolean ownsConnections, String namespace, Duration heartbeat,
                            Supplier<NodeInfo> self) {
        this.links = links;
        this.ownsConnections = ownsConnections;
        this.redis = links.commands();
        this.self = self;
        this.id = self == null ? null : requireId(self.get());
        this.leaseMillis = MISSED_HEARTBEATS * Heartbeat.requirePositive(heartbeat, "heartbeat").toMillis();
        String ns = requireNamespace(namespace);
        this.nodePrefix = ns + ":node:";
        this.nodeKey = nodePrefix + id;
        this.nodesKey = ns + ":nodes";
        this.eventsChannel = ns + ":events";
        this.heartbeat = self == null ? null : new Heartbeat("membership of node " + id, heartbeat, this::beat);
        if (links.pubsub() != null) {
            links.onMessage(this::onMessage);
        }
    }

    /**
     * Registers this node now, then heartbeats every period until {@link #close()}. The stage
     * completes when this node is registered (and subscribed to events, when it receives them);
     * it completes exceptionally when Redis did not answer, and heartbeats go on regardless.
     *
     * @throws IllegalStateException when already started or closed
     */
    public CompletionStage<Void> start() {
        if (closed.get() || !started.compareAndSet(false, true)) {
            throw new IllegalStateException("membership of node " + id + " was already started or closed");
        }
        if (heartbeat == null) {
            return subscribe();
        }
        return CompletableFuture.allOf(subscribe().toCompletableFuture(), heartbeat.start().toCompletableFuture());
    }

    /** Every node whose lease is alive, this one included once registered, ordered by id. */
    @Override
    public CompletionStage<List<NodeInfo>> nodes() {
        RedisFuture<List<String>> time = redis.time();
        RedisFuture<List<ScoredValue<String>>> members = redis.zrangeWithScores(nodesKey, 0, -1);
        return time.thenCombine(members, (t, m) -> {
            long cutoff = millis(t) - leaseMillis;
            List<String> live = new ArrayList<>();
            List<String> dead = new ArrayList<>();
            for (ScoredValue<String> member : m) {
                (member.getScore() < cutoff ? dead : live).add(member.getValue());
            }
            if (!dead.isEmpty()) {
                redis.zrem(nodesKey, dead.toArray(String[]::new)); // best effort: the next reader retries
            }
            return live;
        }).thenCompose(this::readRecords);
    }

    /**
     * Calls {@code listener} with every event of the cluster, this node's own included, from now
     * on, on a Lettuce thread. Events published while Redis is unreachable are lost.
     *
     * @throws IllegalStateException when this membership was built over a bare connection
     */
    public void addListener(Consumer<MembershipEvent> listener) {
        Objects.requireNonNull(listener, "listener");
        if (links.pubsub() == null) {
            throw new IllegalStateException("receiving events needs a RedisMembership built from a RedisClient"
                    + " or a RedisClusterClient");
        }
        listeners.add(listener);
    }

    public void removeListener(Consumer<MembershipEvent> listener) {
        listeners.remove(listener);
    }

    /**
     * Stops heartbeats, removes this node's record, announces {@code leave} and closes the
     * connections it opened. Completes when done, never exceptionally: a Redis that is down only
     * means the record expires by itself.
     */
    public CompletionStage<Void> closeAsync() {
        if (closed.compareAndSet(false, true)) {
            (heartbeat == null ? CompletableFuture.<Void>completedFuture(null) : heartbeat.stop())
                    .thenCompose(v -> started.get() && heartbeat != null ? deregister() : CompletableFuture.<Void>completedFuture(null))
                    .exceptionally(e -> {
                        log.warn("node {} could not deregister; its record expires within {} ms: {}", id, leaseMillis,
                                e.toString());
                        return null;
                    })
                    .thenCompose(v -> closeConnections())
                    .whenComplete((v, e) -> closing.complete(null));
        }
        return closing;
    }

    /** {@link #closeAsync()}, waiting for it a few seconds at most. Not for an event loop. */
    @Override
    public void close() {
        Heartbeat.awaitClose(closeAsync(), CLOSE_WAIT, id == null ? "a membership observer" : "the membership of node " + id);
    }

    /** For tests: stops heartbeats without leaving, as a crashed node would. */
    void stopHeartbeats() {
        heartbeat.stop();
    }

    private CompletionStage<Void> beat() {
        if (links.pubsub() != null && !subscribed) {
            subscribe(); // a subscription refused at start (Redis down) is retried here
        }
        NodeInfo info = self.get();
        if (!id.equals(info.id())) {
            throw new IllegalStateException("node id changed from " + id + " to " + info.id());
        }
        String json = NodeInfoJson.write(info);
        return redis.time().thenCompose(t -> {
            RedisFuture<String> previous = redis.setGet(nodeKey, json, SetArgs.Builder.px(leaseMillis));
            RedisFuture<Long> added = redis.zadd(nodesKey, (double) millis(t), id);
            RedisFuture<Boolean> expiry = redis.pexpire(nodesKey, leaseMillis);
            return CompletableFuture.allOf(previous.toCompletableFuture(), added.toCompletableFuture(),
                            expiry.toCompletableFuture())
                    .thenCompose(v -> announce(previous.toCompletableFuture().join(), info.state()));
        });
    }

    /**
     * Calls {@code action} (on a Lettuce thread) when a heartbeat finds this node's record gone
     * after it had been registered: the cluster took this node for dead meanwhile.
     */
    public void onRegistrationLost(Runnable action) {
        onRegistrationLost = Objects.requireNonNull(action, "action");
    }

    /** Announces join when the record was missing or not yet announced, update on a state change. */
    private CompletionStage<Void> announce(String previousRecord, NodeState state) {
        if (previousRecord == null) {
            announced = null;
            if (registered) {
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

    private CompletionStage<Void> deregister() {
        RedisFuture<Long> deleted = redis.del(nodeKey);
        RedisFuture<Long> removed = redis.zrem(nodesKey, id);
        CompletionStage<Void> left = publish(MembershipEvent.Type.LEAVE);
        return CompletableFuture.allOf(deleted.toCompletableFuture(), removed.toCompletableFuture(),
                left.toCompletableFuture());
    }

    private CompletionStage<Void> publish(MembershipEvent.Type type) {
        return links.publish(eventsChannel, new MembershipEvent(type, id).toJson()).thenApply(receivers -> null);
    }

    private CompletionStage<Void> subscribe() {
        if (links.pubsub() == null) {
            return CompletableFuture.completedFuture(null);
        }
        return links.subscribe(eventsChannel).thenRun(() -> subscribed = true);
    }

    private CompletionStage<List<NodeInfo>> readRecords(List<String> ids) {
        if (ids.isEmpty()) {
            return CompletableFuture.completedFuture(List.of());
        }
        // One GET per record, all in flight at once: no multi-key command, so no cross-slot error on a cluster.
        List<String> keys = ids.stream().map(nodePrefix::concat).toList();
        List<CompletableFuture<String>> reads = keys.stream().map(k -> redis.get(k).toCompletableFuture()).toList();
        return CompletableFuture.allOf(reads.toArray(CompletableFuture[]::new)).thenApply(v -> {
            List<NodeInfo> nodes = new ArrayList<>(keys.size());
            for (int i = 0; i < keys.size(); i++) {
                String json = reads.get(i).join(); // done: allOf completed
                if (json != null) { // a missing record is an expired lease: a failed node
                    parse(keys.get(i), json, nodes);
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
        if (!eventsChannel.equals(channel)) {
            return;
        }
        MembershipEvent event;
        try {
            event = MembershipEvent.fromJson(message);
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

    private CompletionStage<Void> closeConnections() {
        if (!ownsConnections) {
            return CompletableFuture.completedFuture(null);
        }
        return links.closeAsync();
    }

    /** Milliseconds from the reply of {@code TIME}: seconds and microseconds. */
    private static long millis(List<String> time) {
        return Long.parseLong(time.get(0)) * 1000 + Long.parseLong(time.get(1)) / 1000;
    }

    /** Checks the arguments, then connects: nothing is left open when either fails. */
    private static RedisLinks open(RedisClient client, String namespace, Duration heartbeat, Supplier<NodeInfo> self) {
        Objects.requireNonNull(client, "client");
        checkArguments(namespace, heartbeat, self);
        return RedisLinks.open(client);
    }

    private static RedisLinks open(RedisClusterClient client, String namespace, Duration heartbeat, Supplier<NodeInfo> self) {
        Objects.requireNonNull(client, "client");
        checkArguments(namespace, heartbeat, self);
        return RedisLinks.open(client);
    }

    private static void checkArguments(String namespace, Duration heartbeat, Supplier<NodeInfo> self) {
        requireNamespace(namespace);
        Heartbeat.requirePositive(heartbeat, "heartbeat");
        requireId(Objects.requireNonNull(self, "self").get());
    }

    private static String requireId(NodeInfo info) {
        Objects.requireNonNull(info, "self.get()");
        if (info.id() == null || info.id().isBlank()) {
            throw new IllegalArgumentException("self must report a node id, got " + info.id());
        }
        return info.id();
    }

    static String requireNamespace(String namespace) {
        Objects.requireNonNull(namespace, "namespace");
        if (namespace.isBlank()) {
            throw new IllegalArgumentException("namespace must not be blank");
        }
        return namespace;
    }
}

package io.wscluster.redis;

import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.wscluster.cluster.Membership;
import io.wscluster.cluster.MembershipEvent;
import io.wscluster.cluster.NodeInfo;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledExecutorService;
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
 * <p>The work is split in two: {@link RedisNodeRegistry} lists the nodes and hears the events (all
 * an observer does), {@link RedisNodeRegistration} keeps this node's record and announces its
 * changes; this class pairs them behind {@link Membership}.
 *
 * <p>Implementation notes. Scores come from Redis's clock ({@code TIME}), not the machines', so
 * clock skew between nodes never makes a healthy node look dead. The record's expiry is the
 * authority; the score only lets a reader prune ids that are long dead ({@code ZREM}) without
 * reading their records. A heartbeat writes with {@code SET ... PX ... GET}: when no record was
 * there (first heartbeat, or the record was lost to an outage, a pause longer than the lease or a
 * Redis restart) the node announces {@code join}; a change of {@link io.wscluster.cluster.NodeState} announces
 * {@code update}; {@link #close()} announces {@code leave}. Events are hints for reacting quickly:
 * a crash announces nothing, so {@link #nodes()} stays the truth. Every node of one cluster must
 * use the same heartbeat. Needs Redis 6.2 or later (7 or later for a Redis Cluster). On a Redis
 * Cluster, {@code TIME} is answered by whichever master Lettuce picks for keyless commands: the
 * masters' clocks must agree to well within a lease (NTP does that), or a reader may prune a live
 * id early, which that node's next heartbeat puts back.
 *
 * <p>Threading: every method is callable from any thread and never blocks, except
 * {@link #close()}, which waits a few seconds at most. Heartbeats run on the node's scheduler.
 * Results and events arrive on Lettuce's threads: listeners must be quick and must not block. When Redis is down, {@link #nodes()}
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
    private final RedisNodeRegistry registry;
    /** This node's registration; null for an observer. */
    private final RedisNodeRegistration registration;
    private final String id;
    private final long leaseMillis;
    private final AtomicBoolean started = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final CompletableFuture<Void> closing = new CompletableFuture<>();
    private final List<LinkWatch> watches = new java.util.ArrayList<>();
    /** Since when its command connection has been up without a reconnect ({@link Membership#healthySinceNanos()} terms). */
    private volatile long linkSince = HEALTHY_SINCE_START;

    /**
     * A membership over a connection the caller owns and closes. It announces events but cannot
     * receive them: {@link #addListener} needs the {@link RedisClient} constructor.
     *
     * @param heartbeat time between two heartbeats; a node is failed after three missed ones
     * @param self      this node's current figures, read at every heartbeat (keep it quick); its id never
     *                  changes
     * @param scheduler the node's scheduler, on which heartbeats are issued; never shut down here
     */
    public RedisMembership(StatefulRedisConnection<String, String> connection, String namespace, Duration heartbeat,
                           Supplier<NodeInfo> self, ScheduledExecutorService scheduler) {
        this(RedisLinks.over(Objects.requireNonNull(connection, "connection").async()), false, namespace, heartbeat, self,
                scheduler);
    }

    /**
     * A membership over the async commands of a connection the caller owns and closes, to a
     * standalone Redis or a Redis Cluster ({@code StatefulRedisClusterConnection.async()}). It
     * announces events but cannot receive them: {@link #addListener} needs a client constructor.
     */
    public RedisMembership(RedisClusterAsyncCommands<String, String> commands, String namespace, Duration heartbeat,
                           Supplier<NodeInfo> self, ScheduledExecutorService scheduler) {
        this(RedisLinks.over(Objects.requireNonNull(commands, "commands")), false, namespace, heartbeat, self, scheduler);
    }

    /**
     * A membership with connections of its own, opened now (this blocks: call it at startup, not
     * on an event loop) and closed by {@link #close()}. It receives events.
     *
     * @throws io.lettuce.core.RedisConnectionException when Redis cannot be reached
     */
    public RedisMembership(RedisClient client, String namespace, Duration heartbeat, Supplier<NodeInfo> self,
                           ScheduledExecutorService scheduler) {
        this(open(client, namespace, heartbeat, self, scheduler), true, namespace, heartbeat, self, scheduler);
    }

    /**
     * A membership on a Redis Cluster, with connections of its own, opened now (this blocks: call
     * it at startup, not on an event loop) and closed by {@link #close()}. It receives events.
     *
     * @throws io.lettuce.core.RedisException when no node of the cluster can be reached
     */
    public RedisMembership(RedisClusterClient client, String namespace, Duration heartbeat, Supplier<NodeInfo> self,
                           ScheduledExecutorService scheduler) {
        this(open(client, namespace, heartbeat, self, scheduler), true, namespace, heartbeat, self, scheduler);
    }

    /**
     * A membership that only watches: {@link #nodes()} and events, without registering a node of
     * its own (a gateway, {@code wsc status}), so without heartbeats or a scheduler. Opens
     * connections now (this blocks) and closes them on {@link #close()}; {@link #start()}
     * subscribes to events.
     *
     * @param heartbeat the cluster's heartbeat, which the nodes' leases derive from
     * @throws io.lettuce.core.RedisException when Redis cannot be reached
     */
    public static RedisMembership observer(AbstractRedisClient client, String namespace, Duration heartbeat) {
        requireNamespace(namespace);
        Heartbeat.requirePositive(heartbeat, "heartbeat");
        RedisLinks links = client instanceof RedisClusterClient c ? RedisLinks.open(c) : RedisLinks.open((RedisClient) client);
        return new RedisMembership(links, true, namespace, heartbeat, null, null);
    }

    private RedisMembership(RedisLinks links, boolean ownsConnections, String namespace, Duration heartbeat,
                            Supplier<NodeInfo> self, ScheduledExecutorService scheduler) {
        this.links = links;
        this.ownsConnections = ownsConnections;
        this.id = self == null ? null : requireId(self.get());
        this.leaseMillis = MISSED_HEARTBEATS * Heartbeat.requirePositive(heartbeat, "heartbeat").toMillis();
        RedisKeys keys = new RedisKeys(requireNamespace(namespace));
        this.registry = new RedisNodeRegistry(links, keys, leaseMillis);
        this.registration = self == null ? null
                : new RedisNodeRegistration(links, keys, registry, id, self, heartbeat, leaseMillis, scheduler);
        if (links.connection() instanceof io.lettuce.core.RedisChannelHandler<?, ?> handler) {
            // A reconnect (Redis restarted, or the link was torn down) means records may have lapsed meanwhile.
            handler.addListener(new io.lettuce.core.RedisConnectionStateListener() {
                @Override
                public void onRedisDisconnected(io.lettuce.core.RedisChannelHandler<?, ?> connection) {
                    linkSince = NOT_HEALTHY;
                }

                @Override
                public void onRedisConnected(io.lettuce.core.RedisChannelHandler<?, ?> connection, java.net.SocketAddress address) {
                    linkSince = System.nanoTime();
                }
            });
        }
        if (ownsConnections && scheduler != null && !links.sharded()) {
            // A heartbeat that cannot get through a silent connection would let the lease lapse: tear such a connection down.
            watches.add(LinkWatch.watchCommands("the membership's command connection of node " + id, links, scheduler));
            watches.add(LinkWatch.watchPubSub("the membership's event connection of node " + id, links.pubsub(), scheduler));
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
        if (registration == null) {
            return registry.subscribe();
        }
        return CompletableFuture.allOf(registry.subscribe().toCompletableFuture(), registration.start().toCompletableFuture());
    }

    /** Every node whose lease is alive, this one included once registered, ordered by id. */
    @Override
    public CompletionStage<List<NodeInfo>> nodes() {
        return registry.nodes();
    }

    /**
     * Calls {@code listener} with every event of the cluster, this node's own included, from now
     * on, on a Lettuce thread. Events published while Redis is unreachable are lost.
     *
     * @throws IllegalStateException when this membership was built over a bare connection
     */
    @Override
    public void addListener(Consumer<MembershipEvent> listener) {
        registry.addListener(listener);
    }

    @Override
    public void removeListener(Consumer<MembershipEvent> listener) {
        registry.removeListener(listener);
    }

    /**
     * Calls {@code action} (on a Lettuce thread) when a heartbeat finds this node's record gone
     * after it had been registered: the cluster took this node for dead meanwhile. An observer
     * never calls it.
     */
    @Override
    public void onRegistrationLost(Runnable action) {
        Objects.requireNonNull(action, "action");
        if (registration != null) {
            registration.onRegistrationLost(action);
        }
    }

    /**
     * See {@link Membership#healthySinceNanos()}: the later of this node's heartbeats (an observer
     * has none) and its connection's last reconnect.
     */
    @Override
    public long healthySinceNanos() {
        return Membership.later(registration == null ? HEALTHY_SINCE_START : registration.healthySinceNanos(), linkSince);
    }

    @Override
    public long lastHeartbeatNanos() {
        return registration == null ? System.nanoTime() : registration.lastHeartbeatNanos();
    }

    /**
     * Stops heartbeats, removes this node's record, announces {@code leave} and closes the
     * connections it opened. Completes when done, never exceptionally: a Redis that is down only
     * means the record expires by itself.
     */
    public CompletionStage<Void> closeAsync() {
        if (closed.compareAndSet(false, true)) {
            watches.forEach(LinkWatch::stop);
            (registration == null ? CompletableFuture.<Void>completedFuture(null) : registration.stop())
                    .thenCompose(v -> started.get() && registration != null ? registration.deregister()
                            : CompletableFuture.<Void>completedFuture(null))
                    .exceptionally(e -> {
                        log.warn("node {} could not deregister; its record expires within {} ms: {}", id, leaseMillis,
                                e.toString());
                        return null;
                    })
                    .thenCompose(v -> ownsConnections ? links.closeAsync() : CompletableFuture.<Void>completedFuture(null))
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
        registration.stop();
    }

    /** Checks the arguments, then connects: nothing is left open when either fails. */
    private static RedisLinks open(RedisClient client, String namespace, Duration heartbeat, Supplier<NodeInfo> self,
                                   ScheduledExecutorService scheduler) {
        Objects.requireNonNull(client, "client");
        checkArguments(namespace, heartbeat, self, scheduler);
        return RedisLinks.open(client);
    }

    private static RedisLinks open(RedisClusterClient client, String namespace, Duration heartbeat, Supplier<NodeInfo> self,
                                   ScheduledExecutorService scheduler) {
        Objects.requireNonNull(client, "client");
        checkArguments(namespace, heartbeat, self, scheduler);
        return RedisLinks.open(client);
    }

    private static void checkArguments(String namespace, Duration heartbeat, Supplier<NodeInfo> self,
                                       ScheduledExecutorService scheduler) {
        requireNamespace(namespace);
        Heartbeat.requirePositive(heartbeat, "heartbeat");
        requireId(Objects.requireNonNull(self, "self").get());
        Objects.requireNonNull(scheduler, "scheduler");
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

package io.wscluster.redis;

import io.lettuce.core.SetArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.wscluster.presence.PresenceInfo;
import io.wscluster.presence.PresenceStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Presence on Redis, with one lease per node: a node's entries count only while its lease key
 * lives, and the lease expires three heartbeats after the node last renewed it, so the entries of
 * a node that crashed vanish within the failure-detection time without anyone removing them.
 *
 * <p>Keys, under the cluster's namespace {@code ns}; the room {@code R} in a hash tag keeps a
 * room's keys in one Redis Cluster slot:
 * <ul>
 *   <li>{@code <ns>:pl:<nodeId>}: this node's lease, expiring after 3 × heartbeat;</li>
 *   <li>{@code <ns>:{R}:p:<nodeId>}: hash of this node's entries in R, connection key to user id
 *       ({@code ""} when anonymous);</li>
 *   <li>{@code <ns>:{R}:pn}: set of the ids of nodes with entries in R.</li>
 * </ul>
 * The two room keys expire too, but only after {@value #RETENTION_LEASES} leases: that TTL only
 * bounds what a dead node leaves behind, and renewing it is spread over
 * {@value #RENEWAL_SLICES} heartbeats. Every write of a room key sets its TTL in the same script
 * call, so no key is ever left without one, whatever becomes of a command.
 *
 * <p>Why one lease per node rather than per room: a lease per room costs every node a few
 * commands per room per heartbeat (~6,000 commands/s for 1,000 rooms on three nodes at a 1-s
 * heartbeat, more than the messages themselves at low rates); the node lease costs one command
 * per heartbeat, the room keys' TTLs {@value #RENEWAL_SLICES} times fewer renewals, and a reader
 * one extra {@code EXISTS} per node of the room.
 *
 * <p>Implementation notes. This node also keeps its entries in memory. That lets the
 * heartbeat renew only the rooms it has entries in, and write its entries again when
 * Redis lost them (a restart, a failover, a lease that lapsed during an outage, after which
 * readers dropped this node from the rooms' node sets), so presence heals within one heartbeat.
 * A room whose write failed (a timeout, an outage: a lost removal would otherwise count a gone
 * connection for as long as the node lives) is written again, whole, at the next heartbeat. A
 * room's Redis commands are issued inside the in-memory update of that room, so Redis sees one
 * room's joins and leaves in the order this node made them. A room's last leave here takes this
 * node out of the room's node set; a reader that finds a node's lease or hash gone does too. Every
 * node of one cluster must use the same heartbeat.
 *
 * <p>Every command touches one key, or a room's two keys (one slot), so the same code runs on a
 * standalone Redis and on a Redis Cluster (where a room's presence lives on its shard, and each
 * node's lease on some shard).
 *
 * <p>Cost per join: one script call (a hash field, a set member, two TTLs) where a room's first
 * join here used to take four commands and the others one; per leave, one command, two for a
 * room's last; a room rewritten whole only after a failed write.
 *
 * <p>Threading: callable from any thread, never blocks (except {@link #close()}, a few seconds at
 * most); results complete on Lettuce's threads. When Redis is down, every method completes
 * exceptionally (give the client a command timeout and {@code DisconnectedBehavior.REJECT_COMMANDS}
 * so that it does so promptly).
 */
public final class RedisPresenceStore implements PresenceStore, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RedisPresenceStore.class);
    private static final Duration CLOSE_WAIT = Duration.ofSeconds(5);
    private static final int MISSED_HEARTBEATS = 3;
    /** Room keys outlive this many leases without a renewal. */
    static final int RETENTION_LEASES = 20;
    /** Each heartbeat renews the room keys of one slice of the rooms. */
    static final int RENEWAL_SLICES = 10;
    private static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);

    private final RedisClusterAsyncCommands<String, String> redis;
    private final String ns;
    private final String nodeId;
    private final long leaseMillis;
    private final long retentionMillis;
    /** {@link #retentionMillis} as the scripts take it. */
    private final String retention;
    private final String leaseKey;
    private long ticks; // refresh() runs in beats only, which the heartbeat serialises
    private final Heartbeat heartbeat;
    /** This node's entries: room to (connection key to user id). Inner maps change only inside compute. */
    private final ConcurrentHashMap<String, Map<String, String>> local = new ConcurrentHashMap<>();
    private final Scripts.InOrder joinScript = Scripts.PRESENCE_JOIN.inOrder();
    private final Scripts.InOrder putScript = Scripts.PRESENCE_PUT.inOrder();
    /** Rooms a write of which failed, so Redis may hold other entries than {@link #local}: written again next heartbeat. */
    private final Set<String> unsure = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean started = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final CompletableFuture<Void> closing = new CompletableFuture<>();

    /**
     * @param connection a connection the caller owns and closes (it may share it)
     * @param nodeId     this node's id, the same as in membership
     * @param heartbeat  time between two refreshes; entries are kept 3 × heartbeat without one
     * @param scheduler  the node's scheduler, on which refreshes are issued; never shut down here
     */
    public RedisPresenceStore(StatefulRedisConnection<String, String> connection, String namespace, String nodeId,
                              Duration heartbeat, ScheduledExecutorService scheduler) {
        this(Objects.requireNonNull(connection, "connection").async(), namespace, nodeId, heartbeat, scheduler);
    }

    /**
     * @param commands  the async commands of a connection the caller owns and closes: to a
     *                  standalone Redis ({@code StatefulRedisConnection.async()}) or a Redis Cluster
     *                  ({@code StatefulRedisClusterConnection.async()})
     * @param nodeId    this node's id, the same as in membership
     * @param heartbeat time between two refreshes; entries are kept 3 × heartbeat without one
     * @param scheduler the node's scheduler, on which refreshes are issued; never shut down here
     */
    public RedisPresenceStore(RedisClusterAsyncCommands<String, String> commands, String namespace, String nodeId,
                              Duration heartbeat, ScheduledExecutorService scheduler) {
        this.redis = Objects.requireNonNull(commands, "commands");
        this.ns = RedisMembership.requireNamespace(namespace);
        Objects.requireNonNull(nodeId, "nodeId");
        if (nodeId.isBlank()) {
            throw new IllegalArgumentException("nodeId must not be blank");
        }
        this.nodeId = nodeId;
        this.leaseMillis = MISSED_HEARTBEATS * Heartbeat.requirePositive(heartbeat, "heartbeat").toMillis();
        this.retentionMillis = RETENTION_LEASES * leaseMillis;
        this.retention = String.valueOf(retentionMillis);
        this.leaseKey = leaseKey(nodeId);
        this.heartbeat = new Heartbeat("presence of node " + nodeId, heartbeat, scheduler, this::refresh);
    }

    /**
     * Refreshes now and then every heartbeat until {@link #close()}; completes with the first refresh.
     *
     * @throws IllegalStateException when already started or closed
     */
    public CompletionStage<Void> start() {
        if (closed.get() || !started.compareAndSet(false, true)) {
            throw new IllegalStateException("presence of node " + nodeId + " was already started or closed");
        }
        return heartbeat.start();
    }

    @Override
    public CompletionStage<Void> join(String room, String sessionId, String userId) {
        String[] keys = roomKeys(requireRoom(room));
        Objects.requireNonNull(sessionId, "sessionId");
        String user = userId == null ? "" : userId;
        if (closed.get()) {
            return CompletableFuture.failedFuture(new IllegalStateException("presence store is closed"));
        }
        List<CompletableFuture<?>> sent = new ArrayList<>(2);
        local.compute(room, (r, entries) -> {
            Map<String, String> m = entries == null ? new HashMap<>() : entries;
            m.put(sessionId, user);
            sent.add(joinScript.run(redis, keys, sessionId, user, nodeId, retention).toCompletableFuture());
            return m;
        });
        if (!started.get()) { // nothing renews the lease yet: these entries count for one lease
            sent.add(redis.set(leaseKey, "1", SetArgs.Builder.px(leaseMillis)).toCompletableFuture());
        }
        return checked(room, allOf(sent));
    }

    @Override
    public CompletionStage<Void> leave(String room, String sessionId) {
        String[] keys = roomKeys(requireRoom(room));
        Objects.requireNonNull(sessionId, "sessionId");
        List<CompletableFuture<?>> sent = new ArrayList<>(2);
        local.compute(room, (r, entries) -> {
            if (entries != null) {
                entries.remove(sessionId);
            }
            // Redis deletes the hash with its last field.
            sent.add(redis.hdel(keys[0], sessionId).toCompletableFuture());
            if (entries == null || entries.isEmpty()) { // the room's last entry here: nothing of this node stays in it
                sent.add(redis.srem(keys[1], nodeId).toCompletableFuture());
                return null;
            }
            return entries;
        });
        return checked(room, allOf(sent));
    }

    /** The entries of every node whose lease on the room is alive, merged. */
    @Override
    public CompletionStage<PresenceInfo> get(String room) {
        String nodesKey = nodesKey(requireRoom(room));
        return redis.smembers(nodesKey).thenCompose(nodes -> {
            List<String> ids = new ArrayList<>(nodes);
            List<CompletableFuture<Long>> leases = new ArrayList<>(ids.size());
            List<CompletableFuture<Map<String, String>>> reads = new ArrayList<>(ids.size());
            for (String id : ids) {
                leases.add(redis.exists(leaseKey(id)).toCompletableFuture());
                reads.add(redis.hgetall(hashKey(room, id)).toCompletableFuture());
            }
            return allOf(reads).thenCombine(allOf(leases), (a, b) -> merge(nodesKey, ids, leases, reads));
        });
    }

    /**
     * Renews this node's lease and one slice of its rooms' keys (writing a room again when one of
     * its keys is gone), writes again the rooms a write of which failed, and writes every entry
     * again when Redis no longer had the lease (it lost it or it lapsed: readers may have dropped
     * this node). Runs every heartbeat on the node's scheduler once started; completes
     * exceptionally when Redis did not answer.
     */
    private CompletionStage<Void> refresh() {
        int slice = (int) (ticks++ % RENEWAL_SLICES);
        return redis.pexpire(leaseKey, leaseMillis).thenCompose(alive -> {
            if (!alive) {
                return redis.set(leaseKey, "1", SetArgs.Builder.px(leaseMillis)).thenCompose(ok -> rewriteAll());
            }
            List<CompletableFuture<?>> sent = new ArrayList<>();
            for (String room : unsure) {
                unsure.remove(room);
                sent.add(rewrite(room).toCompletableFuture());
            }
            for (String room : local.keySet()) {
                if (Math.floorMod(room.hashCode(), RENEWAL_SLICES) == slice) {
                    sent.add(redis.pexpire(hashKey(room, nodeId), retentionMillis)
                            .thenCombine(redis.pexpire(nodesKey(room), retentionMillis), (hash, nodes) -> hash && nodes)
                            .thenCompose(both -> both ? DONE : rewrite(room)).toCompletableFuture());
                }
            }
            return allOf(sent);
        });
    }

    /**
     * Stops refreshing and removes this node's entries from Redis. Completes when done, never
     * exceptionally: a Redis that is down only means the entries expire by themselves.
     */
    public CompletionStage<Void> closeAsync() {
        if (closed.compareAndSet(false, true)) {
            heartbeat.stop().thenCompose(v -> removeAll()).whenComplete((v, e) -> {
                if (e != null) {
                    log.warn("node {} could not remove its presence entries; they expire within {} ms: {}", nodeId,
                            leaseMillis, e.toString());
                }
                closing.complete(null);
            });
        }
        return closing;
    }

    /** {@link #closeAsync()}, waiting for it a few seconds at most. Not for an event loop. */
    @Override
    public void close() {
        Heartbeat.awaitClose(closeAsync(), CLOSE_WAIT, "the presence of node " + nodeId);
    }

    /** For tests: stops refreshing without removing anything, as a crashed node would. */
    void stopRefreshing() {
        heartbeat.stop();
    }

    private CompletionStage<Void> rewriteAll() {
        List<CompletableFuture<?>> sent = new ArrayList<>();
        for (String room : rooms()) {
            unsure.remove(room);
            sent.add(rewrite(room).toCompletableFuture());
        }
        return allOf(sent);
    }

    /** Replaces what Redis holds of this node in a room with its entries here (none: takes the node out of the room). */
    private CompletionStage<Void> rewrite(String room) {
        List<CompletableFuture<?>> sent = new ArrayList<>(1);
        local.compute(room, (r, entries) -> {
            List<String> args = new ArrayList<>(2 + (entries == null ? 0 : 2 * entries.size()));
            args.add(nodeId);
            args.add(retention);
            if (entries != null) {
                entries.forEach((connection, user) -> {
                    args.add(connection);
                    args.add(user);
                });
            }
            sent.add(putScript.run(redis, roomKeys(room), args.toArray(String[]::new)).toCompletableFuture());
            return entries;
        });
        return checked(room, allOf(sent));
    }

    /** {@code done}, having marked the room {@link #unsure} when it failed. */
    private CompletionStage<Void> checked(String room, CompletableFuture<Void> done) {
        return done.whenComplete((v, error) -> {
            if (error != null) {
                unsure.add(room);
            }
        });
    }

    /** The rooms this node has entries in, and those whose Redis state is unsure. */
    private Set<String> rooms() {
        Set<String> rooms = new HashSet<>(local.keySet());
        rooms.addAll(unsure);
        return rooms;
    }

    private CompletionStage<Void> removeAll() {
        List<CompletableFuture<?>> sent = new ArrayList<>();
        for (String room : rooms()) {
            local.compute(room, (r, entries) -> {
                sent.add(redis.del(hashKey(room, nodeId)).toCompletableFuture());
                sent.add(redis.srem(nodesKey(room), nodeId).toCompletableFuture());
                return null;
            });
        }
        sent.add(redis.del(leaseKey).toCompletableFuture());
        return allOf(sent);
    }

    private PresenceInfo merge(String nodesKey, List<String> ids, List<CompletableFuture<Long>> leases,
                               List<CompletableFuture<Map<String, String>>> reads) {
        TreeSet<String> users = new TreeSet<>();
        int connections = 0;
        List<String> gone = new ArrayList<>();
        for (int i = 0; i < ids.size(); i++) {
            Map<String, String> entries = reads.get(i).join(); // done: allOf completed
            if (leases.get(i).join() == 0 || entries.isEmpty()) {
                gone.add(ids.get(i)); // its lease lapsed, or it has no entries left
                continue;
            }
            for (String user : entries.values()) {
                connections++;
                if (!user.isEmpty()) {
                    users.add(user);
                }
            }
        }
        if (!gone.isEmpty()) {
            redis.srem(nodesKey, gone.toArray(String[]::new)); // best effort: the next reader retries
        }
        return new PresenceInfo(List.copyOf(users), connections);
    }

    /** This node's hash of entries in {@code room}, and the room's set of nodes: one slot, for the scripts. */
    private String[] roomKeys(String room) {
        return new String[] {hashKey(room, nodeId), nodesKey(room)};
    }

    private String hashKey(String room, String node) {
        return ns + ":{" + room + "}:p:" + node;
    }

    private String leaseKey(String node) {
        return ns + ":pl:" + node;
    }

    private String nodesKey(String room) {
        return ns + ":{" + room + "}:pn";
    }

    /** A '}' could end the hash tag early (at once, for a room starting with it), splitting the room's keys. */
    private static String requireRoom(String room) {
        Objects.requireNonNull(room, "room");
        if (room.isEmpty() || room.indexOf('}') >= 0) {
            throw new IllegalArgumentException("room must be non-empty and free of '}', got '" + room + "'");
        }
        return room;
    }

    private static CompletableFuture<Void> allOf(List<? extends CompletableFuture<?>> futures) {
        return CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new));
    }
}

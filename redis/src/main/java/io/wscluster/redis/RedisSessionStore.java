package io.wscluster.redis;

import io.lettuce.core.SetArgs;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.wscluster.failover.RoomPositions;
import io.wscluster.failover.SessionStore;
import io.wscluster.protocol.StreamPosition;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Session records on Redis, readable by every node, so that a session outlives a node that crashed.
 *
 * <p>Keys, under the cluster's namespace {@code ns}, all expiring after the session TTL:
 * <ul>
 *   <li>{@code <ns>:sess:<sessionId>}: hash of {@code u} (user, {@code ""} when anonymous),
 *       {@code n} (the node it was last on) and one field {@code r:<room>} per room, valued
 *       {@code <offset>:<epoch>}, the position the session subscribed at, or, once the connection
 *       closed, {@code =<offset>:<epoch>}, its own position then;</li>
 *   <li>{@code <ns>:pos:<nodeId>}: hash of room to {@code <offset>:<epoch>}: where that node's
 *       sessions may resume each room after a crash (see {@link RoomPositions}).</li>
 * </ul>
 * A room of a closed session resumes from its own position; of a session whose node crashed, from
 * the later of where it subscribed and its node's position.
 *
 * <p>Cost: a session's record is written when it subscribes, unsubscribes or closes (fields and
 * TTL in one script call, so no record is left without a TTL); nothing per message; per period
 * (the heartbeat), one {@code HSET} of the rooms whose position moved, one {@code HDEL} of the
 * rooms the node no longer holds (the hash holds only the node's rooms), and {@code PEXPIRE}s that
 * renew a slice of the live sessions' records, so each is renewed about three times per TTL.
 * Every command touches one key (works on a Redis Cluster). Thread-safe.
 */
public final class RedisSessionStore implements SessionStore, AutoCloseable {
    /** Marks a room position as the session's own, written when its connection closed. */
    private static final String OWN = "=";
    private final RedisClusterAsyncCommands<String, String> redis;
    private final String prefix;
    private final String nodeId;
    private final String positionsKey;
    private final long ttlMillis;
    /** {@link #ttlMillis} as the script takes it. */
    private final String ttl;
    private final Scripts.InOrder recordScript = Scripts.HSET_EXPIRE.inOrder();
    private final int slices;
    private final RoomPositions positions = new RoomPositions();
    private final Set<String> live = ConcurrentHashMap.newKeySet();
    private final Heartbeat heartbeat;
    private long ticks; // in beats only, which the heartbeat serialises

    /** @param scheduler the node's scheduler, on which the periodic writes are issued; never shut down here */
    public RedisSessionStore(RedisClusterAsyncCommands<String, String> commands, String namespace, String nodeId, Duration ttl,
                             Duration period, ScheduledExecutorService scheduler) {
        this.redis = Objects.requireNonNull(commands, "commands");
        String ns = RedisMembership.requireNamespace(namespace);
        this.prefix = ns + ":sess:";
        this.nodeId = Objects.requireNonNull(nodeId, "nodeId");
        this.positionsKey = ns + ":pos:" + nodeId;
        this.ttlMillis = Heartbeat.requirePositive(ttl, "ttl").toMillis();
        this.ttl = String.valueOf(ttlMillis);
        long periodMillis = Heartbeat.requirePositive(period, "period").toMillis();
        this.slices = (int) Math.max(1, ttlMillis / (3 * periodMillis));
        this.heartbeat = new Heartbeat("sessions of node " + nodeId, period, scheduler, this::tick);
    }

    /**
     * The key every node of cluster {@code namespace} signs session ids with: {@code candidate} when
     * no node has stored one yet ({@code <ns>:session-id-key}, kept without a TTL, as long as Redis
     * keeps it; a Redis that loses it has lost the session records too). Blocks until Redis answers.
     *
     * @throws IllegalStateException when Redis does not answer within ten seconds
     */
    public static byte[] idKey(RedisClusterAsyncCommands<String, String> commands, String namespace, byte[] candidate) {
        String key = RedisMembership.requireNamespace(namespace) + ":session-id-key";
        try {
            String stored = commands.set(key, Base64.getEncoder().encodeToString(candidate), SetArgs.Builder.nx())
                    .thenCompose(ok -> commands.get(key)).toCompletableFuture().get(10, TimeUnit.SECONDS);
            return Base64.getDecoder().decode(stored);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("redis: interrupted while reading the session id key", e);
        } catch (ExecutionException | TimeoutException | IllegalArgumentException e) {
            throw new IllegalStateException("redis: cannot read or store the session id key " + key + ": " + e.getMessage(), e);
        }
    }

    /** Starts recording positions and renewing records every period. */
    public CompletionStage<Void> start() {
        return heartbeat.start();
    }

    @Override
    public CompletionStage<Saved> load(String sessionId) {
        return redis.hgetall(prefix + sessionId).thenCompose(fields -> {
            if (fields.isEmpty()) {
                return CompletableFuture.<Saved>completedFuture(null);
            }
            String user = fields.getOrDefault("u", "");
            String node = fields.get("n");
            Map<String, StreamPosition> at = new HashMap<>();
            Map<String, StreamPosition> own = new HashMap<>();
            fields.forEach((k, v) -> {
                if (k.startsWith("r:")) {
                    (v.startsWith(OWN) ? own : at).put(k.substring(2), parse(v.startsWith(OWN) ? v.substring(OWN.length()) : v));
                }
            });
            if (node == null || at.isEmpty()) {
                at.putAll(own);
                return CompletableFuture.completedFuture(new Saved(user.isEmpty() ? null : user, at));
            }
            List<String> rooms = new ArrayList<>(at.keySet());
            return redis.hmget(prefix.replace(":sess:", ":pos:") + node, rooms.toArray(String[]::new)).thenApply(values -> {
                Map<String, StreamPosition> resume = new HashMap<>();
                for (int i = 0; i < rooms.size(); i++) {
                    String room = rooms.get(i);
                    StreamPosition there = values.get(i).hasValue() ? parse(values.get(i).getValue()) : null;
                    resume.put(room, RoomPositions.later(at.get(room), there));
                }
                resume.putAll(own);
                return new Saved(user.isEmpty() ? null : user, resume);
            });
        });
    }

    @Override
    public void subscribed(String sessionId, String userId, String room, StreamPosition at) {
        live.add(sessionId);
        write(sessionId, "u", userId == null ? "" : userId, "n", nodeId, "r:" + room, format(at));
    }

    @Override
    public void unsubscribed(String sessionId, String room) {
        redis.hdel(prefix + sessionId, "r:" + room);
    }

    @Override
    public void closed(String sessionId, Map<String, StreamPosition> drained) {
        live.remove(sessionId); // the record keeps its TTL: the client has that long to resume
        if (!drained.isEmpty()) {
            List<String> fields = new ArrayList<>(2 * drained.size());
            drained.forEach((room, p) -> {
                fields.add("r:" + room);
                fields.add(OWN + format(p));
            });
            write(sessionId, fields.toArray(String[]::new));
        }
    }

    /**
     * Sets fields of a session's record and its TTL in one script call, so no record is left
     * without a TTL, and in the order of the record's other writes (an unsubscribe's {@code HDEL}).
     */
    private void write(String sessionId, String... fieldsAndValues) {
        String[] args = new String[fieldsAndValues.length + 1];
        args[0] = ttl;
        System.arraycopy(fieldsAndValues, 0, args, 1, fieldsAndValues.length);
        recordScript.run(redis, new String[] {prefix + sessionId}, args);
    }

    @Override
    public void positions(Map<String, StreamPosition> drained) {
        positions.update(drained);
    }

    private CompletionStage<Void> tick() {
        List<CompletableFuture<?>> sent = new ArrayList<>();
        RoomPositions.Change changed = positions.tick();
        if (!changed.moved().isEmpty()) {
            Map<String, String> fields = new HashMap<>(changed.moved().size());
            changed.moved().forEach((room, p) -> fields.put(room, format(p)));
            sent.add(redis.hset(positionsKey, fields).toCompletableFuture());
        }
        if (!changed.gone().isEmpty()) {
            sent.add(redis.hdel(positionsKey, changed.gone().toArray(String[]::new)).toCompletableFuture());
        }
        sent.add(redis.pexpire(positionsKey, ttlMillis).toCompletableFuture());
        int slice = (int) (ticks++ % slices);
        for (String id : live) {
            if (Math.floorMod(id.hashCode(), slices) == slice) {
                sent.add(redis.pexpire(prefix + id, ttlMillis).toCompletableFuture());
            }
        }
        return CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new));
    }

    private static String format(StreamPosition p) {
        return p.offset() + ":" + p.epoch();
    }

    private static StreamPosition parse(String v) {
        int colon = v.indexOf(':');
        return new StreamPosition(v.substring(colon + 1), Long.parseLong(v.substring(0, colon)));
    }

    /** Stops the periodic work; records expire by themselves. */
    @Override
    public void close() {
        Heartbeat.awaitClose(heartbeat.stop(), Duration.ofSeconds(5), "the sessions of node " + nodeId);
    }
}

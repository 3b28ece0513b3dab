package io.wscluster;

import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisConnectionException;
import io.lettuce.core.RedisException;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.wscluster.bus.Bus;
import io.wscluster.bus.LocalBus;
import io.wscluster.cluster.LocalMembership;
import io.wscluster.cluster.Membership;
import io.wscluster.cluster.NodeInfo;
import io.wscluster.protocol.Backoff;
import io.wscluster.failover.FailoverLog;
import io.wscluster.failover.LocalFailoverLog;
import io.wscluster.failover.LocalSessionStore;
import io.wscluster.failover.SessionStore;
import io.wscluster.history.LocalHistory;
import io.wscluster.presence.LocalPresenceStore;
import io.wscluster.presence.PresenceStore;
import io.wscluster.redis.LinkWatch;
import io.wscluster.redis.RedisBus;
import io.wscluster.redis.RedisConnectionMeters;
import io.wscluster.redis.RedisFailoverLog;
import io.wscluster.redis.RedisMembership;
import io.wscluster.redis.RedisPresenceStore;
import io.wscluster.redis.RedisSessionStore;
import io.wscluster.redis.RedisStickyRegistry;
import io.wscluster.redis.RedisUrls;
import io.wscluster.routing.LocalStickyRegistry;
import io.wscluster.routing.StickyRegistry;
import io.wscluster.transport.SessionIds;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The implementations of bus, presence, sticky registry, session records, failover log and
 * membership that belong together, for each backend {@link NodeBootstrap} can choose: the
 * embedded bus of one node or of several in one process, a standalone Redis, a Redis Cluster.
 * Holds them, and closes them.
 */
final class ClusterBackend implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ClusterBackend.class);
    private static final Backoff STARTUP_BACKOFF = new Backoff(Duration.ofMillis(500), Duration.ofSeconds(10), 2);
    /** The description of the embedded bus of several nodes of one process, whose shared parts outlive each node. */
    private static final String SHARED = "embedded bus shared in this process";

    final Bus bus;
    final PresenceStore presence;
    final StickyRegistry sticky;
    final SessionStore sessions;
    final FailoverLog failovers;
    /** The key of the cluster's session ids (see {@link SessionIds}): wherever the session records are, so is it. */
    final byte[] sessionIdKey;
    private final Supplier<Membership> membershipFactory;
    private final AbstractRedisClient redis;
    /** The connection presence uses (its own), closed after presence; null on the embedded bus. */
    private final AutoCloseable presenceConnection;
    private final String description;
    private Membership membership;

    private ClusterBackend(Bus bus, PresenceStore presence, StickyRegistry sticky, SessionStore sessions, byte[] sessionIdKey,
                           FailoverLog failovers, AutoCloseable presenceConnection, Supplier<Membership> membership, AbstractRedisClient redis,
                           String description) {
        this.bus = bus;
        this.presence = presence;
        this.sticky = sticky;
        this.sessions = sessions;
        this.sessionIdKey = sessionIdKey;
        this.failovers = failovers;
        this.presenceConnection = presenceConnection;
        this.membershipFactory = membership;
        this.redis = redis;
        this.description = description;
    }

    /** The embedded bus shared by several nodes of this process, whose shared parts outlive this node. */
    static ClusterBackend sharedInProcess(EmbeddedCluster embedded, String nodeId, Supplier<NodeInfo> self) {
        return new ClusterBackend(embedded.bus.join(), embedded.presence, embedded.sticky, embedded.sessions.node(nodeId),
                embedded.sessionIdKey, embedded.failovers, null, () -> embedded.members.join(self), null, SHARED);
    }

    /** The embedded bus of a node alone: a cluster of one. */
    static ClusterBackend alone(NodeOptions o, String nodeId, Supplier<NodeInfo> self, ScheduledExecutorService scheduler) {
        Duration heartbeat = o.bus().heartbeat();
        return new ClusterBackend(new LocalBus(new LocalHistory(NamespacedHistory.of(o)), scheduler),
                new LocalPresenceStore(), new LocalStickyRegistry(o.routing().stickyTtl()),
                LocalSessionStore.standalone(nodeId, o.failover().sessionTtl(), heartbeat, scheduler), SessionIds.newKey(),
                new LocalFailoverLog(), null, () -> new LocalMembership(self, scheduler, heartbeat), null, "embedded bus");
    }

    /** A standalone Redis; waits for it, with backoff, unless told to stop instead. */
    static ClusterBackend onRedis(NodeOptions o, String nodeId, Supplier<NodeInfo> self, ScheduledExecutorService scheduler,
                                  io.micrometer.core.instrument.MeterRegistry registry) {
        RedisClient client = RedisClient.create(RedisUrls.resources(registry), RedisUrls.standalone(o.bus().redisUrl()));
        RedisConnectionMeters.bind(client.getResources(), registry);
        RedisBus bus = connect(o, client, RedisConnectionException.class,
                () -> new RedisBus(client, NamespacedHistory.of(o), o.bus()));
        // Presence gets its own connection: its refreshes must not queue behind a burst of publishes.
        StatefulRedisConnection<String, String> connection = client.connect();
        LinkWatch watch = LinkWatch.watch("the presence connection", connection, scheduler);
        AutoCloseable presenceConnection = () -> {
            watch.stop();
            connection.close();
        };
        return overRedis(o, nodeId, bus, presenceConnection, connection.async(),
                () -> new RedisMembership(client, o.bus().cluster(), o.bus().heartbeat(), self, scheduler), client,
                "Redis " + o.bus().redisUrl() + ", cluster '" + o.bus().cluster() + "'", scheduler);
    }

    /** The same parts on a Redis Cluster: sharded pub/sub, each room on the shard of its slot. */
    static ClusterBackend onRedisCluster(NodeOptions o, String nodeId, Supplier<NodeInfo> self,
                                                 ScheduledExecutorService scheduler, io.micrometer.core.instrument.MeterRegistry registry) {
        RedisClusterClient client = RedisClusterClient.create(RedisUrls.resources(registry), RedisUrls.clusterSeeds(o.bus().redisUrl()));
        RedisConnectionMeters.bind(client.getResources(), registry);
        // Any RedisException: a cluster none of whose seeds answers fails its topology lookup with one.
        RedisBus bus = connect(o, client, RedisException.class,
                () -> new RedisBus(client, NamespacedHistory.of(o), o.bus()));
        // Presence gets its own connection here too (one per shard it touches, opened by Lettuce as needed).
        StatefulRedisClusterConnection<String, String> presenceConnection = client.connect();
        return overRedis(o, nodeId, bus, presenceConnection, presenceConnection.async(),
                () -> new RedisMembership(client, o.bus().cluster(), o.bus().heartbeat(), self, scheduler), client,
                "Redis Cluster " + o.bus().redisUrl() + ", cluster '" + o.bus().cluster() + "'", scheduler);
    }

    /**
     * The parts beside the bus, the same on a standalone Redis and a Redis Cluster: presence, sticky
     * registry, session records and failover log share {@code commands}, the presence connection.
     */
    private static ClusterBackend overRedis(NodeOptions o, String nodeId, RedisBus bus, AutoCloseable presenceConnection,
                                            RedisClusterAsyncCommands<String, String> commands, Supplier<RedisMembership> membership,
                                            AbstractRedisClient client, String description, ScheduledExecutorService scheduler) {
        RedisPresenceStore presence = new RedisPresenceStore(commands, o.bus().cluster(), nodeId, o.bus().heartbeat(), scheduler);
        presence.start();
        byte[] sessionIdKey = RedisSessionStore.idKey(commands, o.bus().cluster(), SessionIds.newKey());
        return new ClusterBackend(bus, presence, sticky(o, commands), sessions(o, nodeId, commands, scheduler), sessionIdKey,
                new RedisFailoverLog(commands, o.bus().cluster()), presenceConnection, () -> {
            RedisMembership m = membership.get();
            m.start();
            return m;
        }, client, description);
    }

    /** Connects to Redis, retrying with exponential backoff and jitter unless told to stop instead. */
    private static RedisBus connect(NodeOptions o, AbstractRedisClient client, Class<? extends RedisException> unreachable,
                                    Supplier<RedisBus> bus) {
        for (int attempt = 0; ; attempt++) {
            try {
                return bus.get();
            } catch (RedisException e) {
                if (!unreachable.isInstance(e)) {
                    throw e;
                }
                String why = "redis: cannot reach " + o.bus().redisUrl() + " (" + rootMessage(e) + ")";
                if (!o.bus().redisRetry()) {
                    client.shutdown();
                    client.getResources().shutdown();
                    throw new StartupException(why);
                }
                long wait = STARTUP_BACKOFF.delay(attempt).toMillis();
                log.warn("{}; retrying in {} ms", why, wait);
                sleep(wait);
            }
        }
    }

    /** The sticky registry shares presence's connection: both are light, periodic or per-connection traffic. */
    private static StickyRegistry sticky(NodeOptions o, RedisClusterAsyncCommands<String, String> commands) {
        return new RedisStickyRegistry(commands, o.bus().cluster(), o.routing().stickyTtl(), RedisStickyRegistry.DEFAULT_CACHE_TTL);
    }

    /** Session records share presence's connection too: a write per subscribe, a few per heartbeat. */
    private static SessionStore sessions(NodeOptions o, String nodeId, RedisClusterAsyncCommands<String, String> commands,
                                         ScheduledExecutorService scheduler) {
        RedisSessionStore s = new RedisSessionStore(commands, o.bus().cluster(), nodeId, o.failover().sessionTtl(),
                o.bus().heartbeat(), scheduler);
        s.start();
        return s;
    }

    /** Starts membership once the node can describe itself (it is serving). */
    synchronized Membership membership() {
        if (membership == null) {
            membership = membershipFactory.get();
        }
        return membership;
    }

    String description() {
        return description;
    }

    @Override
    public void close() {
        if (membership instanceof AutoCloseable c) {
            closeQuietly(c);
        }
        if (presence instanceof AutoCloseable c) {
            closeQuietly(c);
        }
        if (sessions instanceof AutoCloseable c && !SHARED.equals(description)) {
            closeQuietly(c); // a shared store outlives its nodes
        }
        if (presenceConnection != null) {
            closeQuietly(presenceConnection);
        }
        bus.close();
        if (redis != null) {
            redis.shutdown();
            redis.getResources().shutdown(); // made by RedisUrls.resources(), so ours to shut down
        }
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            log.warn("closing {} failed: {}", c.getClass().getSimpleName(), e.toString());
        }
    }

    /** The root cause's message on one line (a cluster's lists one reason per seed, a line each). */
    private static String rootMessage(Throwable t) {
        while (t.getCause() != null) {
            t = t.getCause();
        }
        return String.valueOf(t.getMessage()).lines().map(String::strip)
                .filter(line -> !line.isEmpty() && !line.equals("Details:"))
                .collect(java.util.stream.Collectors.joining("; "));
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StartupException("interrupted while waiting for Redis");
        }
    }
}

package io.wscluster;

import io.wscluster.failover.FailoverOptions;
import io.wscluster.routing.RoutingOptions;
import java.time.Duration;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * Everything a node is configured with. Immutable; build with {@link #builder()}. Each setting has
 * a default ({@code DEFAULT_*}) and a documented name in {@code docs/configuration.md}; the
 * configuration file, environment and flags all end up here.
 */
public final class NodeOptions {
    public static final String DEFAULT_HOST = "0.0.0.0";
    public static final int DEFAULT_PORT = 8080;
    public static final boolean DEFAULT_ALLOW_ANONYMOUS = true;
    public static final int DEFAULT_MAX_FRAME_SIZE = 64 * 1024;
    public static final Duration DEFAULT_PING_INTERVAL = Duration.ofSeconds(25);
    public static final int DEFAULT_OUTBOUND_BUFFER_LIMIT = 1024 * 1024;
    public static final int DEFAULT_HISTORY_SIZE = 100;
    public static final int DEFAULT_RECOVERY_CACHE = 20_000;
    public static final Duration DEFAULT_HISTORY_TTL = Duration.ofMinutes(5);
    public static final Duration DEFAULT_SHUTDOWN_TIMEOUT = Duration.ofSeconds(10);
    public static final boolean DEFAULT_COMPRESSION = true;
    public static final int DEFAULT_IO_THREADS = 0;
    public static final int DEFAULT_CAPACITY = 10_000;
    public static final String DEFAULT_CLUSTER = "wsc";
    public static final Duration DEFAULT_HEARTBEAT = Duration.ofSeconds(1);
    public static final boolean DEFAULT_REDIS_RETRY = true;
    public static final int DEFAULT_BUS_BATCH_SIZE = 100;
    public static final Duration DEFAULT_BUS_BATCH_DELAY = Duration.ofMillis(1);
    public static final int DEFAULT_BUS_MAX_IN_FLIGHT = 10_000;
    public static final Duration DEFAULT_SESSION_TTL = Duration.ofMinutes(5);
    public static final int DEFAULT_DRAIN_BATCH = 100;
    public static final Duration DEFAULT_DRAIN_PACE = Duration.ofMillis(100);
    public static final Duration DEFAULT_DRAIN_TIMEOUT = Duration.ofSeconds(60);

    private final String host;
    private final int port;
    private final String nodeId;
    private final String advertisedUrl;
    private final String jwtSecret;
    private final boolean allowAnonymous;
    private final String apiKey;
    private final int maxFrameSize;
    private final Duration pingInterval;
    private final int outboundBufferLimit;
    private final int historySize;
    private final int recoveryCache;
    private final Duration historyTtl;
    private final Duration shutdownTimeout;
    private final boolean compression;
    private final int ioThreads;
    private final int capacity;
    private final String redisUrl;
    private final String cluster;
    private final Duration heartbeat;
    private final boolean redisRetry;
    private final String region;
    private final int busBatchSize;
    private final Duration busBatchDelay;
    private final int busMaxInFlight;
    private final RoutingOptions routing;
    private final Duration sessionTtl;
    private final int drainBatch;
    private final Duration drainPace;
    private final Duration drainTimeout;
    private final FailoverOptions failover;

    private NodeOptions(Builder b) {
        host = b.host;
        port = b.port;
        nodeId = b.nodeId;
        advertisedUrl = b.advertisedUrl;
        jwtSecret = b.jwtSecret;
        allowAnonymous = b.allowAnonymous;
        apiKey = b.apiKey;
        maxFrameSize = b.maxFrameSize;
        pingInterval = b.pingInterval;
        outboundBufferLimit = b.outboundBufferLimit;
        historySize = b.historySize;
        recoveryCache = b.recoveryCache;
        historyTtl = b.historyTtl;
        shutdownTimeout = b.shutdownTimeout;
        compression = b.compression;
        ioThreads = b.ioThreads;
        capacity = b.capacity;
        redisUrl = b.redisUrl;
        cluster = b.cluster;
        heartbeat = b.heartbeat;
        redisRetry = b.redisRetry;
        region = b.region;
        busBatchSize = b.busBatchSize;
        busBatchDelay = b.busBatchDelay;
        busMaxInFlight = b.busMaxInFlight;
        routing = b.routing;
        sessionTtl = b.sessionTtl;
        drainBatch = b.drainBatch;
        drainPace = b.drainPace;
        drainTimeout = b.drainTimeout;
        failover = b.failover;
    }

    public static Builder builder() {
        return new Builder();
    }

    public static NodeOptions defaults() {
        return builder().build();
    }

    /** A builder holding a copy of these options. */
    public Builder toBuilder() {
        return builder().host(host).port(port).nodeId(nodeId).advertisedUrl(advertisedUrl).jwtSecret(jwtSecret)
                .allowAnonymous(allowAnonymous).apiKey(apiKey).maxFrameSize(maxFrameSize).pingInterval(pingInterval)
                .outboundBufferLimit(outboundBufferLimit).historySize(historySize).recoveryCache(recoveryCache).historyTtl(historyTtl)
                .shutdownTimeout(shutdownTimeout).compression(compression).ioThreads(ioThreads).capacity(capacity)
                .redisUrl(redisUrl).cluster(cluster).heartbeat(heartbeat).redisRetry(redisRetry).region(region)
                .busBatchSize(busBatchSize).busBatchDelay(busBatchDelay).busMaxInFlight(busMaxInFlight)
                .routing(r -> routing).sessionTtl(sessionTtl)
                .drainBatch(drainBatch).drainPace(drainPace).drainTimeout(drainTimeout)
                .failover(f -> failover);
    }

    /** Interface to bind; {@code 0.0.0.0} for all. */
    public String host() { return host; }
    /** TCP port; 0 picks a free one. */
    public int port() { return port; }
    /** The node's id in {@code welcome} and {@code /api/cluster}; null generates one at start. */
    public String nodeId() { return nodeId; }
    /** The WebSocket URL clients use to reach this node; null derives it from host and port. */
    public String advertisedUrl() { return advertisedUrl; }
    /** The HS256 secret of user tokens; null accepts no tokens. */
    public String jwtSecret() { return jwtSecret; }
    /** Whether connections without a token are accepted as anonymous. */
    public boolean allowAnonymous() { return allowAnonymous; }
    /** The key {@code /api/*} and {@code /admin/*} require as a bearer token; null leaves them open. */
    public String apiKey() { return apiKey; }
    /** Largest WebSocket message and HTTP body accepted, in bytes. */
    public int maxFrameSize() { return maxFrameSize; }
    /** Interval of WebSocket pings; a connection silent for two intervals is closed. */
    public Duration pingInterval() { return pingInterval; }
    /** Bytes a connection may have queued beyond the socket's buffer before it is closed as a slow consumer. */
    public int outboundBufferLimit() { return outboundBufferLimit; }
    /** Messages kept per room for recovery and {@code history}; 0 keeps none. */
    public int historySize() { return historySize; }
    /** Recent room messages the node keeps, over all rooms, to answer a subscribe with since without a history read. */
    public int recoveryCache() { return recoveryCache; }
    /** How long an idle room's history is kept. */
    public Duration historyTtl() { return historyTtl; }
    /** Longest a graceful stop may take before connections are cut. */
    public Duration shutdownTimeout() { return shutdownTimeout; }
    /** Whether permessage-deflate is offered to clients that ask for it. */
    public boolean compression() { return compression; }
    /** Event-loop threads; 0 uses one per core. */
    public int ioThreads() { return ioThreads; }
    /** Connections this node declares it can hold (reported to the cluster and used for routing). */
    public int capacity() { return capacity; }
    /**
     * Redis to form a cluster over: {@code redis://host:port} (or {@code rediss://}) for one Redis,
     * {@code redis-cluster://host:port[,host:port...]} (or {@code rediss-cluster://}) for a Redis
     * Cluster reached through those seed nodes; null runs on the embedded bus.
     */
    public String redisUrl() { return redisUrl; }
    /** The cluster's name: the namespace of every Redis key, so clusters can share a Redis. */
    public String cluster() { return cluster; }
    /** How often this node reports itself; it counts as failed after three missed heartbeats. */
    public Duration heartbeat() { return heartbeat; }
    /** Whether a Redis unreachable at start is retried with backoff (true) or stops the start (false). */
    public boolean redisRetry() { return redisRetry; }
    /** The region this node declares, for routing; null when none. */
    public String region() { return region; }
    /** Bus commands sent to Redis in one write at most; 1 sends each at once. */
    public int busBatchSize() { return busBatchSize; }
    /** Longest a bus command waits for its batch; high and critical messages never wait. */
    public Duration busBatchDelay() { return busBatchDelay; }
    /** Unanswered bus commands beyond which low-priority messages are refused (backpressure). */
    public int busMaxInFlight() { return busMaxInFlight; }
    /** How {@code /api/route} places new connections. */
    public RoutingOptions routing() { return routing; }
    /** How long a session's record (its rooms and positions) outlives its connection, for a resume. */
    public Duration sessionTtl() { return sessionTtl; }
    /** Connections per event loop sent away per drain step. */
    public int drainBatch() { return drainBatch; }
    /** Time between two drain steps. */
    public Duration drainPace() { return drainPace; }
    /** Longest a drain lasts before the node stops anyway. */
    public Duration drainTimeout() { return drainTimeout; }
    /** How failovers of other nodes are run when this node coordinates one. */
    public FailoverOptions failover() { return failover; }

    /** Builder with every default set; setters check their argument and name it in the error. */
    public static final class Builder {
        private String host = DEFAULT_HOST;
        private int port = DEFAULT_PORT;
        private String nodeId;
        private String advertisedUrl;
        private String jwtSecret;
        private boolean allowAnonymous = DEFAULT_ALLOW_ANONYMOUS;
        private String apiKey;
        private int maxFrameSize = DEFAULT_MAX_FRAME_SIZE;
        private Duration pingInterval = DEFAULT_PING_INTERVAL;
        private int outboundBufferLimit = DEFAULT_OUTBOUND_BUFFER_LIMIT;
        private int historySize = DEFAULT_HISTORY_SIZE;
        private int recoveryCache = DEFAULT_RECOVERY_CACHE;
        private Duration historyTtl = DEFAULT_HISTORY_TTL;
        private Duration shutdownTimeout = DEFAULT_SHUTDOWN_TIMEOUT;
        private boolean compression = DEFAULT_COMPRESSION;
        private int ioThreads = DEFAULT_IO_THREADS;
        private int capacity = DEFAULT_CAPACITY;
        private String redisUrl;
        private String cluster = DEFAULT_CLUSTER;
        private Duration heartbeat = DEFAULT_HEARTBEAT;
        private boolean redisRetry = DEFAULT_REDIS_RETRY;
        private String region;
        private int busBatchSize = DEFAULT_BUS_BATCH_SIZE;
        private Duration busBatchDelay = DEFAULT_BUS_BATCH_DELAY;
        private int busMaxInFlight = DEFAULT_BUS_MAX_IN_FLIGHT;
        private RoutingOptions routing = RoutingOptions.DEFAULT;
        private Duration sessionTtl = DEFAULT_SESSION_TTL;
        private int drainBatch = DEFAULT_DRAIN_BATCH;
        private Duration drainPace = DEFAULT_DRAIN_PACE;
        private Duration drainTimeout = DEFAULT_DRAIN_TIMEOUT;
        private FailoverOptions failover = FailoverOptions.DEFAULT;

        private Builder() {
        }

        public Builder host(String v) { host = Objects.requireNonNull(v, "host"); return this; }

        public Builder port(int v) {
            check(v >= 0 && v <= 65535, "port", v, "0 to 65535");
            port = v;
            return this;
        }

        public Builder nodeId(String v) {
            check(v == null || io.wscluster.protocol.Names.isValidSessionId(v), "node-id", v, "1 to 64 letters, digits, _ or -");
            nodeId = v;
            return this;
        }

        public Builder advertisedUrl(String v) { advertisedUrl = v; return this; }

        public Builder jwtSecret(String v) {
            jwtSecret = v == null || v.isEmpty() ? null : v;
            return this;
        }

        public Builder allowAnonymous(boolean v) { allowAnonymous = v; return this; }

        public Builder apiKey(String v) {
            apiKey = v == null || v.isEmpty() ? null : v;
            return this;
        }

        public Builder maxFrameSize(int v) {
            check(v >= 1024, "max-frame-size", v, "at least 1024 bytes");
            maxFrameSize = v;
            return this;
        }

        public Builder pingInterval(Duration v) {
            check(v != null && v.toMillis() >= 10, "ping-interval", v, "at least 10ms");
            pingInterval = v;
            return this;
        }

        public Builder outboundBufferLimit(int v) {
            check(v >= 1024, "outbound-buffer-limit", v, "at least 1024 bytes");
            outboundBufferLimit = v;
            return this;
        }

        public Builder historySize(int v) {
            check(v >= 0, "history-size", v, "0 or more");
            historySize = v;
            return this;
        }

        public Builder recoveryCache(int v) {
            check(v >= 0, "recovery-cache", v, "0 (none) or more");
            recoveryCache = v;
            return this;
        }

        public Builder historyTtl(Duration v) {
            check(v != null && v.toMillis() >= 1000, "history-ttl", v, "at least 1s");
            historyTtl = v;
            return this;
        }

        public Builder shutdownTimeout(Duration v) {
            check(v != null && !v.isNegative(), "shutdown-timeout", v, "0s or more");
            shutdownTimeout = v;
            return this;
        }

        public Builder compression(boolean v) { compression = v; return this; }

        public Builder ioThreads(int v) {
            check(v >= 0 && v <= 1024, "io-threads", v, "0 (one per core) to 1024");
            ioThreads = v;
            return this;
        }

        public Builder capacity(int v) {
            check(v >= 1, "capacity", v, "at least 1");
            capacity = v;
            return this;
        }

        public Builder redisUrl(String v) {
            check(v == null || v.isEmpty() || io.wscluster.redis.RedisUrls.isValid(v), "redis", v,
                    "a redis://host:port URL (rediss:// for TLS), or redis-cluster://host:port[,host:port...]"
                            + " for a Redis Cluster (rediss-cluster:// for TLS)");
            redisUrl = v == null || v.isEmpty() ? null : v;
            return this;
        }

        public Builder cluster(String v) {
            check(v != null && io.wscluster.protocol.Names.isValidSessionId(v), "cluster", v, "1 to 64 letters, digits, _ or -");
            cluster = v;
            return this;
        }

        public Builder heartbeat(Duration v) {
            check(v != null && v.toMillis() >= 10, "heartbeat", v, "at least 10ms");
            heartbeat = v;
            return this;
        }

        public Builder redisRetry(boolean v) { redisRetry = v; return this; }

        public Builder region(String v) {
            region = v == null || v.isEmpty() ? null : v;
            return this;
        }

        public Builder busBatchSize(int v) {
            check(v >= 1, "bus-batch-size", v, "at least 1");
            busBatchSize = v;
            return this;
        }

        public Builder busBatchDelay(Duration v) {
            check(v != null && !v.isNegative() && v.toMillis() <= 1000, "bus-batch-delay", v, "0ms to 1s");
            busBatchDelay = v;
            return this;
        }

        /** Changes the routing options; a rejected value's message is prefixed by the caller with the setting. */
        public Builder routing(UnaryOperator<RoutingOptions> change) {
            routing = Objects.requireNonNull(change.apply(routing), "routing");
            return this;
        }

        public Builder sessionTtl(Duration v) {
            check(v != null && v.toMillis() >= 1000, "session-ttl", v, "at least 1s");
            sessionTtl = v;
            return this;
        }

        /** Changes the failover options; a rejected value's message is prefixed by the caller with the setting. */
        public Builder failover(UnaryOperator<FailoverOptions> change) {
            failover = Objects.requireNonNull(change.apply(failover), "failover");
            return this;
        }

        public Builder drainBatch(int v) {
            check(v >= 1, "drain-batch", v, "at least 1");
            drainBatch = v;
            return this;
        }

        public Builder drainPace(Duration v) {
            check(v != null && v.toMillis() >= 1, "drain-pace", v, "at least 1ms");
            drainPace = v;
            return this;
        }

        public Builder drainTimeout(Duration v) {
            check(v != null && !v.isNegative(), "drain-timeout", v, "0s or more");
            drainTimeout = v;
            return this;
        }

        public Builder busMaxInFlight(int v) {
            check(v >= 1, "bus-max-in-flight", v, "at least 1");
            busMaxInFlight = v;
            return this;
        }

        public NodeOptions build() {
            return new NodeOptions(this);
        }

        private static void check(boolean ok, String setting, Object value, String expected) {
            if (!ok) {
                throw new IllegalArgumentException(setting + ": '" + value + "' is not valid, expected " + expected);
            }
        }
    }
}

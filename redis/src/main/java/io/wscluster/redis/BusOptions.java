package io.wscluster.redis;

import io.wscluster.options.Check;
import io.wscluster.protocol.Names;
import java.time.Duration;

/**
 * How a node meets the others: the Redis it forms a cluster over (none: the embedded bus), the
 * cluster's name, how often it reports itself, and how its bus traffic to Redis is batched.
 * Immutable; build with {@link #builder()}.
 */
public final class BusOptions {
    public static final String DEFAULT_CLUSTER = "wsc";
    public static final Duration DEFAULT_HEARTBEAT = Duration.ofSeconds(1);
    public static final boolean DEFAULT_REDIS_RETRY = true;
    public static final int DEFAULT_BATCH_SIZE = 100;
    public static final Duration DEFAULT_BATCH_DELAY = Duration.ofMillis(1);
    public static final int DEFAULT_MAX_IN_FLIGHT = 10_000;
    public static final BusOptions DEFAULT = builder().build();

    private final String redisUrl;
    private final String cluster;
    private final Duration heartbeat;
    private final boolean redisRetry;
    private final int batchSize;
    private final Duration batchDelay;
    private final int maxInFlight;
    private final int ackReplicas;

    private BusOptions(Builder b) {
        redisUrl = b.redisUrl;
        cluster = b.cluster;
        heartbeat = b.heartbeat;
        redisRetry = b.redisRetry;
        batchSize = b.batchSize;
        batchDelay = b.batchDelay;
        maxInFlight = b.maxInFlight;
        ackReplicas = b.ackReplicas;
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return builder().redisUrl(redisUrl).cluster(cluster).heartbeat(heartbeat).redisRetry(redisRetry)
                .batchSize(batchSize).batchDelay(batchDelay).maxInFlight(maxInFlight).ackReplicas(ackReplicas);
    }

    /**
     * Redis to form a cluster over: {@code redis://host:port} (or {@code rediss://}) for one Redis,
     * {@code redis-cluster://host:port[,host:port...]} (or {@code rediss-cluster://}) for a Redis
     * Cluster reached through those seed nodes (see {@link RedisUrls}); null runs on the embedded bus.
     */
    public String redisUrl() { return redisUrl; }
    /** The cluster's name: the namespace of every Redis key, so clusters can share a Redis. */
    public String cluster() { return cluster; }
    /** How often this node reports itself; it counts as failed after three missed heartbeats. */
    public Duration heartbeat() { return heartbeat; }
    /** Whether a Redis unreachable at start is retried with backoff (true) or stops the start (false). */
    public boolean redisRetry() { return redisRetry; }
    /** Bus commands sent to Redis in one write at most; 1 sends each at once. */
    public int batchSize() { return batchSize; }
    /** Longest a bus command waits for its batch; high and critical messages never wait. */
    public Duration batchDelay() { return batchDelay; }
    /** Unanswered bus commands beyond which low-priority messages are refused (backpressure). */
    public int maxInFlight() { return maxInFlight; }

    /** Replicas that must have a room message before it is acknowledged ({@code WAIT}); 0: the master alone. */
    public int ackReplicas() { return ackReplicas; }

    /** Builder with every default set; setters check their argument and name the setting in the error. */
    public static final class Builder {
        private String redisUrl;
        private String cluster = DEFAULT_CLUSTER;
        private Duration heartbeat = DEFAULT_HEARTBEAT;
        private boolean redisRetry = DEFAULT_REDIS_RETRY;
        private int batchSize = DEFAULT_BATCH_SIZE;
        private Duration batchDelay = DEFAULT_BATCH_DELAY;
        private int maxInFlight = DEFAULT_MAX_IN_FLIGHT;
        private int ackReplicas;

        private Builder() {
        }

        public Builder redisUrl(String v) {
            Check.setting(v == null || v.isEmpty() || RedisUrls.isValid(v), "redis", v,
                    "a redis://host:port URL (rediss:// for TLS), redis-cluster://host:port[,host:port...]"
                            + " for a Redis Cluster (rediss-cluster:// for TLS), or redis-sentinel://host:port[,host:port...]#master"
                            + " for a master found through Sentinel");
            redisUrl = Check.noneIfEmpty(v);
            return this;
        }

        public Builder cluster(String v) {
            Check.setting(v != null && Names.isValidSessionId(v), "cluster", v, "1 to 64 letters, digits, _ or -");
            cluster = v;
            return this;
        }

        public Builder heartbeat(Duration v) {
            Check.setting(v != null && v.toMillis() >= 10, "heartbeat", v, "at least 10ms");
            heartbeat = v;
            return this;
        }

        public Builder redisRetry(boolean v) { redisRetry = v; return this; }

        public Builder batchSize(int v) {
            Check.setting(v >= 1, "bus-batch-size", v, "at least 1");
            batchSize = v;
            return this;
        }

        public Builder batchDelay(Duration v) {
            Check.setting(v != null && !v.isNegative() && v.toMillis() <= 1000, "bus-batch-delay", v, "0ms to 1s");
            batchDelay = v;
            return this;
        }

        public Builder maxInFlight(int v) {
            Check.setting(v >= 1, "bus-max-in-flight", v, "at least 1");
            maxInFlight = v;
            return this;
        }

        public Builder ackReplicas(int v) {
            Check.setting(v >= 0 && v <= 16, "ack-replicas", v, "0 to 16");
            ackReplicas = v;
            return this;
        }

        public BusOptions build() {
            return new BusOptions(this);
        }
    }
}

package io.wscluster.redis;

import io.lettuce.core.RedisURI;
import io.lettuce.core.cluster.RedisClusterURIUtil;
import java.net.URI;
import java.util.List;

/**
 * The Redis URLs a node accepts, and what they mean:
 * <ul>
 *   <li>{@code redis://host:port} (or {@code rediss://} for TLS): one standalone Redis (Lettuce's
 *       usual URL options apply: password, database, timeout);</li>
 *   <li>{@code redis-cluster://host:port[,host:port...]} (or {@code rediss-cluster://} for TLS): a
 *       Redis Cluster (Redis 7 or later), reached through these seed nodes; the rest of the cluster
 *       is discovered from them. Rooms are spread over its shards, delivery uses sharded pub/sub.</li>
 * </ul>
 * The scheme says the mode, so one value (the {@code redis} setting, {@code REDIS_URL},
 * {@code --redis}) is all any part of wscluster needs to reach either kind.
 */
public final class RedisUrls {
    public static final String STANDALONE = "redis://";
    public static final String STANDALONE_TLS = "rediss://";
    public static final String CLUSTER = "redis-cluster://";
    public static final String CLUSTER_TLS = "rediss-cluster://";
    /** A master found through Redis Sentinel: {@code redis-sentinel://host:port[,host:port...]#master-name}. */
    public static final String SENTINEL = "redis-sentinel://";
    public static final String SENTINEL_TLS = "rediss-sentinel://";

    private RedisUrls() {
    }

    /** Whether {@code url} starts with one of the six schemes. */
    public static boolean hasKnownScheme(String url) {
        return url.startsWith(STANDALONE) || url.startsWith(STANDALONE_TLS) || isCluster(url) || isSentinel(url);
    }

    /** Whether {@code url} finds its master through Sentinel ({@code redis-sentinel://} or {@code rediss-sentinel://}). */
    public static boolean isSentinel(String url) {
        return url.startsWith(SENTINEL) || url.startsWith(SENTINEL_TLS);
    }

    /**
     * Whether a node can use {@code url}: one of the four schemes and, for a cluster, at least one
     * {@code host:port} seed.
     */
    public static boolean isValid(String url) {
        if (url == null || !hasKnownScheme(url)) {
            return false;
        }
        if (isSentinel(url)) {
            try {
                RedisURI uri = RedisURI.create(url);
                return uri.getSentinelMasterId() != null && !uri.getSentinelMasterId().isEmpty() && !uri.getSentinels().isEmpty();
            } catch (RuntimeException e) {
                return false;
            }
        }
        if (!isCluster(url)) {
            return true;
        }
        try {
            clusterSeeds(url);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** Whether {@code url} names a Redis Cluster ({@code redis-cluster://} or {@code rediss-cluster://}). */
    public static boolean isCluster(String url) {
        return url.startsWith(CLUSTER) || url.startsWith(CLUSTER_TLS);
    }

    /**
     * The seed nodes of a cluster URL, one {@link RedisURI} each (credentials and options of the
     * URL apply to every seed).
     *
     * @throws IllegalArgumentException when {@code url} is not a cluster URL or names no seed
     */
    public static List<RedisURI> clusterSeeds(String url) {
        if (!isCluster(url)) {
            throw new IllegalArgumentException("not a redis-cluster:// URL: " + url);
        }
        String scheme = url.startsWith(CLUSTER_TLS) ? STANDALONE_TLS : STANDALONE;
        String rest = url.substring(url.indexOf("://") + 3);
        List<RedisURI> seeds;
        try {
            seeds = RedisClusterURIUtil.toRedisURIs(URI.create(scheme + rest));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("bad Redis Cluster URL " + url + ": " + e.getMessage(), e);
        }
        if (seeds.isEmpty() || seeds.stream().anyMatch(s -> s.getHost() == null || s.getHost().isEmpty())) {
            throw new IllegalArgumentException("a Redis Cluster URL needs host:port[,host:port...], got " + url);
        }
        seeds.forEach(RedisUrls::capTimeout);
        return seeds;
    }

    /**
     * Lettuce's resources for a node's or a gateway's client: the same as Lettuce's defaults but
     * for reconnects, which wait at most {@link #LONGEST_RECONNECT_DELAY} (Lettuce's own default
     * backs off to 30 s: after a Redis failover, one node could come back many seconds after the
     * others). The caller shuts them down after the client ({@code client.getResources().shutdown()}).
     */
    public static io.lettuce.core.resource.ClientResources resources() {
        return resources(null);
    }

    /**
     * The same, recording each command's latency into {@code registry} (when not null) as Lettuce's
     * Micrometer timers: {@code lettuce_command_completion_seconds} and
     * {@code lettuce_command_firstresponse_seconds}, by command and Redis address, with P50 and P99.
     */
    public static io.lettuce.core.resource.ClientResources resources(io.micrometer.core.instrument.MeterRegistry registry) {
        io.lettuce.core.resource.DefaultClientResources.Builder b = io.lettuce.core.resource.DefaultClientResources.builder()
                .reconnectDelay(io.lettuce.core.resource.Delay.exponential(java.time.Duration.ofMillis(100), LONGEST_RECONNECT_DELAY, 2,
                        java.util.concurrent.TimeUnit.MILLISECONDS));
        if (registry != null) {
            b.commandLatencyRecorder(new io.lettuce.core.metrics.MicrometerCommandLatencyRecorder(registry,
                    io.lettuce.core.metrics.MicrometerOptions.builder().enable().localDistinction(false)
                            .targetPercentiles(new double[] {0.5, 0.99}).build()));
        }
        return b.build();
    }

    /** The longest a lost connection waits before it tries again. */
    static final java.time.Duration LONGEST_RECONNECT_DELAY = java.time.Duration.ofSeconds(2);

    /** A standalone or Sentinel Redis URL as a {@link RedisURI}, with its timeout capped ({@link #MAX_TIMEOUT}). */
    public static RedisURI standalone(String url) {
        return capTimeout(RedisURI.create(url));
    }

    /**
     * The longest a connection's handshake (and a blocking command) may wait, whatever the URL says
     * ({@code ?timeout=}, 60 s by default in Lettuce): a reconnect whose handshake went into a link
     * that drops everything would otherwise hang that long before it tries again, and the node would
     * be cut off from Redis for a minute after the link heals. Commands have their own, shorter
     * timeout (RedisBus).
     */
    static final java.time.Duration MAX_TIMEOUT = java.time.Duration.ofSeconds(3);

    private static RedisURI capTimeout(RedisURI uri) {
        if (uri.getTimeout().compareTo(MAX_TIMEOUT) > 0) {
            uri.setTimeout(MAX_TIMEOUT);
        }
        return uri;
    }
}

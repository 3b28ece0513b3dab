package io.wscluster.cli;

import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.RedisClient;
import io.lettuce.core.cluster.RedisClusterClient;
import io.wscluster.cluster.NodeInfo;
import io.wscluster.failover.FailoverRecord;
import io.wscluster.redis.BusOptions;
import io.wscluster.redis.RedisFailoverLog;
import io.wscluster.redis.RedisMembership;
import io.wscluster.redis.RedisUrls;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The nodes of a cluster as its Redis lists them, read once, for the commands that look at a cluster from outside. */
final class ClusterNodes {
    private ClusterNodes() {
    }

    /** The cluster's nodes and its recent failovers, as Redis has them. */
    record Snapshot(List<NodeInfo> nodes, List<FailoverRecord> failovers) {
    }

    /**
     * The cluster's Redis as the tools and the gateway find it: {@code flag}, else the nodes' own
     * {@code WSC_REDIS}, else {@code REDIS_URL}, so that one environment file serves a node, its
     * gateway and the drain of its unit; null when none is set.
     */
    static String redisUrl(String flag) {
        return flag != null ? flag : System.getenv("WSC_REDIS") != null ? System.getenv("WSC_REDIS") : System.getenv("REDIS_URL");
    }

    static List<NodeInfo> read(String redisUrl, String cluster) {
        return snapshot(redisUrl, cluster).nodes();
    }

    /** @throws IllegalStateException with a one-line reason when the URL is not a Redis URL or Redis cannot be read */
    static Snapshot snapshot(String redisUrl, String cluster) {
        if (redisUrl == null || !RedisUrls.isValid(redisUrl)) {
            throw new IllegalStateException("redis: give the cluster's Redis with --redis URL (or WSC_REDIS or REDIS_URL): redis://,"
                    + " rediss://, redis-cluster://, rediss-cluster://, redis-sentinel:// or rediss-sentinel://");
        }
        AbstractRedisClient client = RedisUrls.isCluster(redisUrl) ? RedisClusterClient.create(RedisUrls.clusterSeeds(redisUrl))
                : RedisClient.create(RedisUrls.standalone(redisUrl));
        try (RedisMembership members = RedisMembership.observer(client, cluster, BusOptions.DEFAULT_HEARTBEAT)) {
            List<NodeInfo> nodes = members.nodes().toCompletableFuture().get(5, TimeUnit.SECONDS);
            List<FailoverRecord> failovers;
            if (client instanceof RedisClusterClient c) {
                try (var connection = c.connect()) {
                    failovers = new RedisFailoverLog(connection.async(), cluster).recent(5).toCompletableFuture().get(5, TimeUnit.SECONDS);
                }
            } else {
                try (var connection = ((RedisClient) client).connect()) {
                    failovers = new RedisFailoverLog(connection.async(), cluster).recent(5).toCompletableFuture().get(5, TimeUnit.SECONDS);
                }
            }
            return new Snapshot(nodes, failovers);
        } catch (Exception e) {
            throw new IllegalStateException("cannot read the cluster '" + cluster + "' from " + redisUrl + " (" + root(e) + ")", e);
        } finally {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        }
    }

    /** The innermost cause of {@code e}, as "Class: message", for one-line errors. */
    static String root(Throwable e) {
        Throwable r = e;
        while (r.getCause() != null && r.getCause() != r) {
            r = r.getCause();
        }
        return r.getClass().getSimpleName() + (r.getMessage() == null ? "" : ": " + r.getMessage());
    }
}

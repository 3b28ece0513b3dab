package io.wscluster.redis;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.lettuce.core.SetArgs;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.wscluster.routing.StickyRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The sticky registry on Redis, shared by every node and gateway of a cluster, behind a local
 * Caffeine cache so that a returning client usually costs no round trip.
 *
 * <p>Keys, under the cluster's namespace {@code ns}:
 * <ul>
 *   <li>{@code <ns>:sticky:<key>}: the node id the key is mapped to, expiring after the TTL;</li>
 *   <li>{@code <ns>:sticky-of:<nodeId>}: set of the keys mapped to that node (for failover), expiring
 *       a TTL after the last assignment to it; it may hold keys that moved on since, which
 *       {@link #keysOf} filters out.</li>
 * </ul>
 *
 * <p>Implementation notes. The cache keeps a mapping for at most {@code cacheTtl} (a minute by
 * default) and never longer than the mapping's TTL: another gateway may have moved the key meanwhile, and the router only ever sends a
 * client to a node that takes connections, so a stale entry costs at worst a user split over two
 * healthy nodes for that long. Renewals are skipped while the mapping was written to Redis less
 * than a quarter of its TTL ago, so a hit costs nothing. Every command touches one key: the same
 * code runs on a standalone Redis and a Redis Cluster. Thread-safe; never blocks.
 */
public final class RedisStickyRegistry implements StickyRegistry {
    public static final Duration DEFAULT_CACHE_TTL = Duration.ofMinutes(1);
    private static final int CACHE_SIZE = 200_000;

    private record Cached(String nodeId, long writtenAtNanos) {
    }

    private final RedisClusterAsyncCommands<String, String> redis;
    private final String prefix;
    private final String ofPrefix;
    private final long ttlMillis;
    private final long renewAfterNanos;
    private final Cache<String, Cached> cache;

    /**
     * @param commands the async commands of a connection the caller owns and closes (standalone or cluster)
     * @param ttl      how long a mapping lives without use
     * @param cacheTtl how long this process trusts its cached copy of a mapping
     */
    public RedisStickyRegistry(RedisClusterAsyncCommands<String, String> commands, String namespace, Duration ttl,
                               Duration cacheTtl) {
        this.redis = Objects.requireNonNull(commands, "commands");
        String ns = RedisMembership.requireNamespace(namespace);
        this.prefix = ns + ":sticky:";
        this.ofPrefix = ns + ":sticky-of:";
        this.ttlMillis = Heartbeat.requirePositive(ttl, "ttl").toMillis();
        this.renewAfterNanos = ttl.toNanos() / 4;
        Duration trust = Heartbeat.requirePositive(cacheTtl, "cacheTtl").compareTo(ttl) < 0 ? cacheTtl : ttl;
        this.cache = Caffeine.newBuilder().maximumSize(CACHE_SIZE).expireAfterWrite(trust).recordStats().build();
    }

    @Override
    public CompletionStage<String> lookup(String key) {
        Cached c = cache.getIfPresent(key);
        if (c != null) {
            return CompletableFuture.completedFuture(c.nodeId());
        }
        return read(key);
    }

    @Override
    public CompletionStage<String> lookupFresh(String key) {
        cache.invalidate(key);
        return read(key);
    }

    private CompletionStage<String> read(String key) {
        return redis.get(prefix + key).thenApply(nodeId -> {
            if (nodeId != null) {
                // Written long ago as far as we know: the next assign renews it in Redis.
                cache.put(key, new Cached(nodeId, System.nanoTime() - renewAfterNanos));
            }
            return nodeId;
        });
    }

    @Override
    public CompletionStage<Void> assign(String key, String nodeId) {
        long now = System.nanoTime();
        Cached c = cache.getIfPresent(key);
        if (c != null && c.nodeId().equals(nodeId) && now - c.writtenAtNanos() < renewAfterNanos) {
            return CompletableFuture.completedFuture(null);
        }
        cache.put(key, new Cached(nodeId, now));
        String of = ofPrefix + nodeId;
        CompletableFuture<?> set = redis.set(prefix + key, nodeId, SetArgs.Builder.px(ttlMillis)).toCompletableFuture();
        CompletableFuture<?> add = redis.sadd(of, key).toCompletableFuture();
        CompletableFuture<?> expire = redis.pexpire(of, ttlMillis).toCompletableFuture();
        return CompletableFuture.allOf(set, add, expire).whenComplete((v, e) -> {
            if (e != null) {
                cache.invalidate(key); // not stored: look it up again next time
            }
        });
    }

    @Override
    public CompletionStage<List<String>> keysOf(String nodeId) {
        String of = ofPrefix + nodeId;
        return redis.smembers(of).thenCompose(keys -> {
            List<String> all = new ArrayList<>(keys);
            List<CompletableFuture<String>> owners = new ArrayList<>(all.size());
            for (String k : all) {
                owners.add(redis.get(prefix + k).toCompletableFuture());
            }
            return CompletableFuture.allOf(owners.toArray(CompletableFuture[]::new)).thenApply(v -> {
                List<String> mine = new ArrayList<>();
                List<String> stale = new ArrayList<>();
                for (int i = 0; i < all.size(); i++) {
                    (nodeId.equals(owners.get(i).join()) ? mine : stale).add(all.get(i));
                }
                if (!stale.isEmpty()) {
                    redis.srem(of, stale.toArray(String[]::new)); // best effort
                }
                mine.sort(null);
                return mine;
            });
        });
    }

    @Override
    public double cacheHitRate() {
        return cache.stats().hitRate();
    }
}

package io.wscluster.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import io.wscluster.testkit.SharedRedis;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link RedisStickyRegistry} on a real redis-server; two registries stand for two gateways. */
class RedisStickyRegistryIT {
    @RegisterExtension
    static final SharedRedisClient redis = new SharedRedisClient();

    private final String ns = SharedRedis.namespace();

    @Test
    void aMappingMadeByOneGatewayIsFoundByAnother() {
        RedisStickyRegistry a = registry(Duration.ofMinutes(5));
        RedisStickyRegistry b = registry(Duration.ofMinutes(5));
        a.assign("u:alice", "n1").toCompletableFuture().join();

        assertThat(lookup(b, "u:alice")).isEqualTo("n1");
        assertThat(lookup(b, "u:nobody")).isNull();
        assertThat(redis.connection().sync().pttl(ns + ":sticky:u:alice")).isBetween(1L, Duration.ofMinutes(5).toMillis());
    }

    @Test
    void repeatedLookupsAreAnsweredFromTheLocalCache() {
        RedisStickyRegistry a = registry(Duration.ofMinutes(5));
        for (int u = 0; u < 50; u++) {
            a.assign("u:" + u, "n" + (u % 3)).toCompletableFuture().join();
        }
        RedisStickyRegistry b = registry(Duration.ofMinutes(5));
        long before = commands();
        for (int round = 0; round < 40; round++) { // 50 users reconnecting 40 times through gateway b
            for (int u = 0; u < 50; u++) {
                assertThat(lookup(b, "u:" + u)).isEqualTo("n" + (u % 3));
                b.assign("u:" + u, "n" + (u % 3)).toCompletableFuture().join(); // what the router does on a hit
            }
        }
        assertThat(b.cacheHitRate()).isGreaterThanOrEqualTo(0.95); // 50 misses in 2,000 lookups
        // 50 GETs and one renewal (3 commands) per user, not 2,000 round trips (INFO itself counts 1).
        assertThat(commands() - before).isLessThanOrEqualTo(50 + 50 * 3 + 1);
    }

    @Test
    void keysOfANodeLeaveOutKeysThatMovedAndMigrationMovesThem() {
        RedisStickyRegistry a = registry(Duration.ofMinutes(5));
        a.assign("u:alice", "n1").toCompletableFuture().join();
        a.assign("u:bob", "n1").toCompletableFuture().join();
        a.assign("u:carol", "n1").toCompletableFuture().join();
        a.assign("u:carol", "n2").toCompletableFuture().join(); // moved on

        assertThat(a.keysOf("n1").toCompletableFuture().join()).containsExactly("u:alice", "u:bob");

        RedisStickyRegistry b = registry(Duration.ofMinutes(5));
        assertThat(b.migrate("n1", key -> "n3").toCompletableFuture().join()).isEqualTo(2);
        assertThat(registry(Duration.ofMinutes(5)).keysOf("n3").toCompletableFuture().join()).containsExactly("u:alice", "u:bob");
        assertThat(a.keysOf("n1").toCompletableFuture().join()).isEmpty();
    }

    @Test
    void mappingsExpireInRedis() {
        RedisStickyRegistry a = registry(Duration.ofMillis(300));
        a.assign("s:abc", "n1").toCompletableFuture().join();
        RedisStickyRegistry b = registry(Duration.ofMillis(300));
        await().atMost(Duration.ofSeconds(3)).until(() -> lookup(b, "s:abc") == null);
    }

    @Test
    void aFreshLookupSeesAMoveTheLocalCacheHides() {
        RedisStickyRegistry failover = registry(Duration.ofMinutes(5));
        RedisStickyRegistry gateway = registry(Duration.ofMinutes(5));
        failover.assign("u:alice", "n1").toCompletableFuture().join();
        assertThat(lookup(gateway, "u:alice")).isEqualTo("n1"); // now in the gateway's cache
        failover.assign("u:alice", "n2").toCompletableFuture().join(); // a failover moves it

        assertThat(lookup(gateway, "u:alice")).isEqualTo("n1");
        assertThat(gateway.lookupFresh("u:alice").toCompletableFuture().join()).isEqualTo("n2");
        assertThat(lookup(gateway, "u:alice")).isEqualTo("n2");
    }

    private RedisStickyRegistry registry(Duration ttl) {
        return new RedisStickyRegistry(redis.connection().async(), ns, ttl, RedisStickyRegistry.DEFAULT_CACHE_TTL);
    }

    private static String lookup(RedisStickyRegistry r, String key) {
        return r.lookup(key).toCompletableFuture().join();
    }

    private static long commands() {
        String info = redis.connection().sync().info("stats");
        return info.lines().filter(l -> l.startsWith("total_commands_processed:"))
                .mapToLong(l -> Long.parseLong(l.substring(l.indexOf(':') + 1).trim())).findFirst().orElseThrow();
    }
}

package io.wscluster.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.wscluster.failover.SessionStore;
import io.wscluster.protocol.StreamPosition;
import io.wscluster.resources.NodeResources;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import io.wscluster.testkit.SharedRedis;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link RedisSessionStore} on a real redis-server: where a session resumes after its node crashed, or after it closed. */
class RedisSessionStoreIT {
    private static final Duration PERIOD = Duration.ofMillis(50);
    @RegisterExtension
    static final SharedRedisClient redis = new SharedRedisClient();

    private final String ns = SharedRedis.namespace();
    private final List<RedisSessionStore> stores = new ArrayList<>();
    private final NodeResources resources = NodeResources.create("test");

    @AfterEach
    void closeStores() {
        stores.forEach(RedisSessionStore::close);
        resources.close();
    }

    @Test
    void afterACrashASessionResumesFromTheLaterOfWhereItSubscribedAndItsNodesPosition() {
        RedisSessionStore n1 = store("n1");
        n1.subscribed("s1", "alice", "r", at(3));
        assertThat(load(n1, "s1")).isEqualTo(new SessionStore.Saved("alice", Map.of("r", at(3))));

        n1.positions(Map.of("r", at(10))); // every live subscriber of n1 is surely at 10
        await().atMost(Duration.ofSeconds(5)).until(() -> load(n1, "s1").rooms().get("r").equals(at(10))); // one period later

        RedisSessionStore n2 = store("n2"); // n1 is gone; another node reads the record
        assertThat(load(n2, "s1").rooms()).containsEntry("r", at(10));
    }

    @Test
    void aClosedSessionResumesFromItsOwnPositionEvenBehindItsNodes() {
        RedisSessionStore n1 = store("n1");
        n1.subscribed("s1", null, "r", at(3));
        n1.subscribed("s1", null, "q", at(1));
        n1.positions(Map.of("r", at(10), "q", at(5)));
        await().atMost(Duration.ofSeconds(5)).until(() -> load(n1, "s1").rooms().get("r").equals(at(10)));

        n1.closed("s1", Map.of("r", at(7))); // its queues held 8 to 10 when it was closed
        assertThat(load(n1, "s1")).isEqualTo(new SessionStore.Saved(null, Map.of("r", at(7), "q", at(5))));

        RedisSessionStore n2 = store("n2"); // it resumes on n2 and subscribes r there from 7
        n2.subscribed("s1", null, "r", at(7));
        n2.positions(Map.of("r", at(12)));
        await().atMost(Duration.ofSeconds(5)).until(() -> load(n2, "s1").rooms().get("r").equals(at(12)));
        assertThat(redis.connection().sync().hget(ns + ":sess:s1", "n")).isEqualTo("n2");
    }

    @Test
    void aRecordIsWrittenWithItsTtl() {
        RedisSessionStore n1 = store("n1");
        String record = ns + ":sess:s1";
        n1.subscribed("s1", "alice", "r", at(3));
        await().atMost(Duration.ofSeconds(5)).until(() -> redis.connection().sync().exists(record) == 1);
        assertThat(redis.connection().sync().pttl(record)).isBetween(1L, Duration.ofMinutes(5).toMillis());

        redis.connection().sync().persist(record);
        n1.closed("s1", Map.of("r", at(4)));

        await().atMost(Duration.ofSeconds(5)).until(() -> redis.connection().sync().pttl(record) > 0);
        assertThat(load(n1, "s1").rooms()).containsEntry("r", at(4));
    }

    @Test
    void theNodesPositionsKeepOnlyTheRoomsItStillHolds() {
        RedisSessionStore n1 = store("n1");
        n1.positions(Map.of("kept", at(4), "left", at(9)));
        String positions = ns + ":pos:n1";
        await().atMost(Duration.ofSeconds(5)).until(() -> redis.connection().sync().hlen(positions) == 2);

        n1.positions(Map.of("kept", at(5))); // its last subscriber of "left" is gone

        await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                assertThat(redis.connection().sync().hgetall(positions)).containsOnlyKeys("kept"));
    }

    private RedisSessionStore store(String node) {
        RedisSessionStore s = new RedisSessionStore(redis.connection().async(), ns, node, Duration.ofMinutes(5), PERIOD, resources.scheduler());
        s.start().toCompletableFuture().join();
        stores.add(s);
        return s;
    }

    private static SessionStore.Saved load(RedisSessionStore s, String id) {
        return s.load(id).toCompletableFuture().join();
    }

    private static StreamPosition at(long offset) {
        return new StreamPosition("e1", offset);
    }
}

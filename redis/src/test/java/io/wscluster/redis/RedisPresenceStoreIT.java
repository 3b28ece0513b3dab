package io.wscluster.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.lettuce.core.KillArgs;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.Delay;
import io.wscluster.presence.PresenceInfo;
import io.wscluster.testkit.RedisServer;
import io.wscluster.testkit.SharedRedis;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link RedisPresenceStore} against a real redis-server, two stores standing for two nodes. */
class RedisPresenceStoreIT {
    private static final Duration HEARTBEAT = Duration.ofMillis(100);
    private static final String ROOM = "chat/lobby";

    @RegisterExtension
    static final SharedRedisClient redis = new SharedRedisClient();

    private final RedisClient client = redis.client();
    private final String ns = SharedRedis.namespace();

    @Test
    void mergesTheEntriesOfTwoNodes() {
        RedisPresenceStore a = store(client, "node-a");
        RedisPresenceStore b = store(client, "node-b");
        join(a, "a1", "alice");
        join(a, "a2", "bob");
        join(b, "b1", "alice");
        join(b, "b2", "carol");

        assertThat(get(a)).isEqualTo(new PresenceInfo(List.of("alice", "bob", "carol"), 4));
        assertThat(get(b)).isEqualTo(get(a));

        b.leave(ROOM, "b2").toCompletableFuture().join();
        a.leave(ROOM, "a1").toCompletableFuture().join();
        assertThat(get(b)).isEqualTo(new PresenceInfo(List.of("alice", "bob"), 2));
        assertThat(get(a, "another-room")).isEqualTo(new PresenceInfo(List.of(), 0));
    }

    @Test
    void anonymousConnectionsCountButAreNotListed() {
        RedisPresenceStore a = store(client, "node-a");
        RedisPresenceStore b = store(client, "node-b");
        join(a, "a1", null);
        join(b, "b1", null);
        join(b, "b2", "dave");

        assertThat(get(a)).isEqualTo(new PresenceInfo(List.of("dave"), 3));
    }

    @Test
    void entriesOfANodeThatStopsRefreshingVanish() {
        RedisPresenceStore a = started(client, "node-a");
        RedisPresenceStore b = started(client, "node-b");
        join(a, "a1", "alice");
        join(b, "b1", "bob");
        assertThat(get(a).users()).containsExactly("alice", "bob");

        b.stopRefreshing(); // a crash: nobody removes b's entries

        await().atMost(Duration.ofSeconds(2)).untilAsserted(() ->
                assertThat(get(a)).isEqualTo(new PresenceInfo(List.of("alice"), 1)));
        // The reader dropped the dead node from the room's node set.
        assertThat(raw().sync().smembers(ns + ":{" + ROOM + "}:pn")).containsExactly("node-a");
    }

    @Test
    void refreshedEntriesOutliveTheirLease() {
        RedisPresenceStore a = started(client, "node-a");
        join(a, "a1", "alice");

        await().during(Duration.ofMillis(800)).atMost(Duration.ofSeconds(3)) // lease: 300 ms
                .until(() -> get(a).connections() == 1);
    }

    @Test
    void roomKeysOutliveTheLeaseAndHealWhenLost() {
        RedisPresenceStore a = started(client, "node-a");
        join(a, "a1", "alice");
        String hash = ns + ":{" + ROOM + "}:p:node-a";
        long lease = 3 * HEARTBEAT.toMillis();
        assertThat(raw().sync().pttl(ns + ":pl:node-a")).isBetween(1L, lease);
        assertThat(raw().sync().pttl(hash)).isGreaterThan(lease)
                .isLessThanOrEqualTo(RedisPresenceStore.RETENTION_LEASES * lease);

        raw().sync().del(hash, ns + ":{" + ROOM + "}:pn"); // lost, say by an eviction
        // Its slice of the rooms comes up within RENEWAL_SLICES heartbeats (1 s) and is written again.
        await().atMost(Duration.ofSeconds(3)).untilAsserted(() ->
                assertThat(get(a)).isEqualTo(new PresenceInfo(List.of("alice"), 1)));
    }

    @Test
    void aRoomKeepsItsPresenceBeyondTheRetentionOfItsKeys() {
        RedisPresenceStore a = started(client, "node-a");
        join(a, "a1", "alice");
        long retention = RedisPresenceStore.RETENTION_LEASES * 3 * HEARTBEAT.toMillis();

        await().during(Duration.ofMillis(retention + 1000)).atMost(Duration.ofMillis(retention + 5000))
                .until(() -> get(a).connections() == 1);
    }

    @Test
    void aRoomsLastLeaveLeavesNoKeyOfTheRoomBehind() {
        RedisPresenceStore a = started(client, "node-a");
        join(a, "a1", "alice");
        join(a, "a2", null);

        a.leave(ROOM, "a1").toCompletableFuture().join();
        a.leave(ROOM, "a2").toCompletableFuture().join();

        assertThat(raw().sync().keys(ns + ":{" + ROOM + "}:p*")).isEmpty();
        assertThat(get(a)).isEqualTo(new PresenceInfo(List.of(), 0));
    }

    @Test
    void aLeaveLostWhileTheLinkIsDownIsWrittenOnceItIsBack() throws Exception {
        // The link comes back half a second after a drop, well within the 3-s lease: only the lost leave is to heal.
        ClientResources resources = ClientResources.builder().reconnectDelay(Delay.constant(Duration.ofMillis(500))).build();
        RedisClient slow = SharedRedisClient.client(redis.server(), resources);
        try {
            StatefulRedisConnection<String, String> link = slow.connect();
            RedisPresenceStore a = new RedisPresenceStore(link, ns, "node-a", Duration.ofSeconds(1), redis.scheduler());
            a.start().toCompletableFuture().join();
            join(a, "a1", "alice");
            join(a, "a2", "bob");

            raw().sync().clientKill(KillArgs.Builder.id(link.sync().clientId()));
            await().atMost(Duration.ofSeconds(5)).until(() -> !link.isOpen());
            assertThatThrownBy(() -> a.leave(ROOM, "a1").toCompletableFuture().get(5, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class);

            await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                    assertThat(raw().sync().hkeys(ns + ":{" + ROOM + "}:p:node-a")).containsExactly("a2"));
            assertThat(get(a)).isEqualTo(new PresenceInfo(List.of("bob"), 1));
            a.close();
            link.close();
        } finally {
            slow.shutdown();
            resources.shutdown();
        }
    }

    @Test
    void closeRemovesThisNodesEntries() {
        RedisPresenceStore a = store(client, "node-a");
        RedisPresenceStore b = store(client, "node-b");
        join(a, "a1", "alice");
        join(b, "b1", "bob");

        b.close();

        assertThat(get(a)).isEqualTo(new PresenceInfo(List.of("alice"), 1));
        assertThatThrownBy(() -> b.join(ROOM, "b2", "bob").toCompletableFuture().join())
                .hasCauseInstanceOf(IllegalStateException.class);
    }

    @Test
    void failsWhileRedisIsDownAndHealsAfterARestart() throws Exception {
        try (RedisServer own = RedisServer.start()) { // its own, to kill
            RedisClient ownClient = SharedRedisClient.client(own);
            try {
                StatefulRedisConnection<String, String> connection = ownClient.connect();
                RedisPresenceStore sut = new RedisPresenceStore(connection, ns, "node-a", HEARTBEAT, redis.scheduler());
                sut.start().toCompletableFuture().join();
                join(sut, "a1", "alice");

                own.kill();
                assertThatThrownBy(() -> sut.get(ROOM).toCompletableFuture().get(10, TimeUnit.SECONDS))
                        .isInstanceOf(ExecutionException.class);

                own.restart(); // empty: refresh writes this node's entries again
                await().atMost(Duration.ofSeconds(30)).ignoreExceptions().untilAsserted(() ->
                        assertThat(get(sut)).isEqualTo(new PresenceInfo(List.of("alice"), 1)));
                sut.close();
                connection.close();
            } finally {
                ownClient.shutdown();
            }
        }
    }

    @Test
    void checksItsArguments() {
        RedisPresenceStore a = store(client, "node-a");
        assertThatThrownBy(() -> a.join("", "s", "u")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("room");
        assertThatThrownBy(() -> a.get("a}b")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("room");
        assertThatThrownBy(() -> a.join(ROOM, null, "u")).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("sessionId");
        assertThatThrownBy(() -> new RedisPresenceStore(raw(), ns, " ", HEARTBEAT, redis.scheduler()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("nodeId");
    }

    private RedisPresenceStore started(RedisClient c, String nodeId) {
        RedisPresenceStore s = store(c, nodeId);
        s.start().toCompletableFuture().join();
        return s;
    }

    private RedisPresenceStore store(RedisClient c, String nodeId) {
        RedisPresenceStore s = new RedisPresenceStore(raw(c), ns, nodeId, HEARTBEAT, redis.scheduler());
        redis.closeAfterEach(s);
        return s;
    }

    private StatefulRedisConnection<String, String> raw() {
        return raw(client);
    }

    private StatefulRedisConnection<String, String> raw(RedisClient c) {
        StatefulRedisConnection<String, String> connection = c.connect();
        redis.closeAfterEach(connection);
        return connection;
    }

    private static void join(RedisPresenceStore s, String session, String user) {
        s.join(ROOM, session, user).toCompletableFuture().join();
    }

    private static PresenceInfo get(RedisPresenceStore s) {
        return get(s, ROOM);
    }

    private static PresenceInfo get(RedisPresenceStore s, String room) {
        return s.get(room).toCompletableFuture().join();
    }
}

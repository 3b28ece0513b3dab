package io.wscluster.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.SlotHash;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.wscluster.cluster.MembershipEvent;
import io.wscluster.cluster.NodeInfo;
import io.wscluster.cluster.NodeState;
import io.wscluster.presence.PresenceInfo;
import io.wscluster.testkit.SharedRedis;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Membership and presence on a real three-master Redis Cluster: keys of several slots, sharded events. */
class RedisClusterMembershipIT {
    private static final Duration HEARTBEAT = Duration.ofMillis(100);

    @RegisterExtension
    static final SharedRedis cluster = SharedRedis.cluster();
    private static RedisClusterClient client;

    private final String ns = SharedRedis.namespace();

    @BeforeAll
    static void connect() {
        client = RedisClusterClient.create(RedisUrls.clusterSeeds(cluster.url()));
        client.setOptions(RedisBus.clusterClientOptions());
    }

    @AfterAll
    static void disconnect() {
        if (client != null) {
            client.shutdown();
        }
    }

    @Test
    void membershipsSeeEachOtherAndAnnounceJoinAndLeave() {
        // The records live in different slots (for all but one namespace in 16384): no MGET could read them.
        assumeTrue(slotOf(ns + ":node:node-a") != slotOf(ns + ":node:node-b"));
        List<MembershipEvent> seen = new CopyOnWriteArrayList<>();
        RedisMembership a = membership("node-a");
        a.addListener(seen::add);
        a.start().toCompletableFuture().join();
        RedisMembership b = membership("node-b");
        b.start().toCompletableFuture().join();

        for (RedisMembership sut : List.of(a, b)) {
            assertThat(sut.nodes().toCompletableFuture().join()).extracting(NodeInfo::id).containsExactly("node-a", "node-b");
        }
        await().atMost(Duration.ofSeconds(5))
                .untilAsserted(() -> assertThat(seen).contains(new MembershipEvent(MembershipEvent.Type.JOIN, "node-b")));

        b.close();
        await().atMost(Duration.ofSeconds(5))
                .untilAsserted(() -> assertThat(seen).contains(new MembershipEvent(MembershipEvent.Type.LEAVE, "node-b")));
        assertThat(a.nodes().toCompletableFuture().join()).extracting(NodeInfo::id).containsExactly("node-a");
    }

    @Test
    void presenceMergesNodesOnRoomsOfEveryShard() {
        List<String> rooms = List.of("r-0", "r-1", "r-2", "r-3", "r-4", "r-5");
        StatefulRedisClusterConnection<String, String> connection = client.connect();
        cluster.closeAfterEach(connection);
        RedisPresenceStore a = presence(connection, "node-a");
        RedisPresenceStore b = presence(connection, "node-b");
        for (String room : rooms) {
            a.join(room, "a1", "alice").toCompletableFuture().join();
            b.join(room, "b1", "bob").toCompletableFuture().join();
            b.join(room, "b2", "").toCompletableFuture().join();
        }
        for (String room : rooms) {
            assertThat(a.get(room).toCompletableFuture().join()).as(room)
                    .isEqualTo(new PresenceInfo(List.of("alice", "bob"), 3));
        }
        b.close();
        for (String room : rooms) {
            assertThat(a.get(room).toCompletableFuture().join()).as(room).isEqualTo(new PresenceInfo(List.of("alice"), 1));
        }
    }

    private static int slotOf(String key) {
        return SlotHash.getSlot(key);
    }

    private RedisMembership membership(String id) {
        RedisMembership m = new RedisMembership(client, ns, HEARTBEAT, () -> info(id), cluster.scheduler());
        cluster.closeAfterEach(m);
        return m;
    }

    private RedisPresenceStore presence(StatefulRedisClusterConnection<String, String> connection, String nodeId) {
        RedisPresenceStore s = new RedisPresenceStore(connection.async(), ns, nodeId, HEARTBEAT, cluster.scheduler());
        cluster.closeAfterEach(s);
        s.start().toCompletableFuture().join();
        return s;
    }

    private static NodeInfo info(String id) {
        return new NodeInfo(id, "ws://127.0.0.1:1/" + id, "eu-west", NodeState.ACTIVE, 0, 100, 0, 0, 0, 0, 0, 1L, null);
    }
}

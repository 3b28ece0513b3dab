package io.wscluster.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.wscluster.cluster.MembershipEvent;
import io.wscluster.cluster.NodeInfo;
import io.wscluster.cluster.NodeState;
import io.wscluster.testkit.RedisServer;
import io.wscluster.testkit.SharedRedis;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link RedisMembership} against a real redis-server, with 100 ms heartbeats. */
class RedisMembershipIT {
    private static final Duration HEARTBEAT = Duration.ofMillis(100);

    @RegisterExtension
    static final SharedRedisClient redis = new SharedRedisClient();

    private final RedisClient client = redis.client();
    private final String ns = SharedRedis.namespace();

    @Test
    void twoMembershipsSeeEachOther() {
        RedisMembership a = started(client, "node-a", new AtomicReference<>(NodeState.ACTIVE));
        RedisMembership b = started(client, "node-b", new AtomicReference<>(NodeState.JOINING));

        for (RedisMembership sut : List.of(a, b)) {
            List<NodeInfo> nodes = sut.nodes().toCompletableFuture().join();
            assertThat(nodes).extracting(NodeInfo::id).containsExactly("node-a", "node-b");
            assertThat(nodes.get(1)).isEqualTo(info("node-b", NodeState.JOINING));
        }
    }

    @Test
    void anObserverListsNodesAndHearsEventsWithoutRegistering() {
        RedisMembership observer = RedisMembership.observer(client, ns, HEARTBEAT);
        redis.closeAfterEach(observer);
        List<MembershipEvent> seen = new CopyOnWriteArrayList<>();
        observer.addListener(seen::add);
        observer.start().toCompletableFuture().join();

        started(client, "node-a", new AtomicReference<>(NodeState.ACTIVE));

        await().untilAsserted(() -> assertThat(seen).contains(join("node-a")));
        assertThat(ids(observer)).containsExactly("node-a");
        observer.close();
        assertThat(ids(started(client, "node-b", new AtomicReference<>(NodeState.ACTIVE)))).containsExactly("node-a", "node-b");
    }

    @Test
    void aNodeThatStopsHeartbeatingIsGoneAfterThreeHeartbeats() {
        RedisMembership a = started(client, "node-a", new AtomicReference<>(NodeState.ACTIVE));
        RedisMembership b = started(client, "node-b", new AtomicReference<>(NodeState.ACTIVE));
        assertThat(ids(a)).containsExactly("node-a", "node-b");

        b.stopHeartbeats(); // a crash: no leave, no cleanup

        await().atMost(Duration.ofSeconds(2)).untilAsserted(() -> assertThat(ids(a)).containsExactly("node-a"));
        // The reader pruned the dead id from the registry.
        await().atMost(Duration.ofSeconds(2)).untilAsserted(() ->
                assertThat(raw().sync().zscore(ns + ":nodes", "node-b")).isNull());
    }

    @Test
    void announcesJoinUpdateAndLeave() {
        List<MembershipEvent> seen = new CopyOnWriteArrayList<>();
        RedisMembership a = membership(client, "node-a", new AtomicReference<>(NodeState.ACTIVE));
        a.addListener(seen::add);
        a.start().toCompletableFuture().join();
        AtomicReference<NodeState> stateOfB = new AtomicReference<>(NodeState.JOINING);
        RedisMembership b = started(client, "node-b", stateOfB);

        await().untilAsserted(() -> assertThat(seen).contains(join("node-b")));

        stateOfB.set(NodeState.ACTIVE);
        await().untilAsserted(() -> assertThat(seen).contains(new MembershipEvent(MembershipEvent.Type.UPDATE, "node-b")));

        b.close();
        await().untilAsserted(() -> assertThat(seen).contains(new MembershipEvent(MembershipEvent.Type.LEAVE, "node-b")));
        assertThat(ids(a)).containsExactly("node-a"); // deregistered at once, not after the lease
        assertThat(seen).filteredOn(e -> e.nodeId().equals("node-b"))
                .extracting(MembershipEvent::type)
                .containsExactly(MembershipEvent.Type.JOIN, MembershipEvent.Type.UPDATE, MembershipEvent.Type.LEAVE);
    }

    @Test
    void failsWhileRedisIsDownAndRegistersAgainAfterARestart() throws Exception {
        try (RedisServer own = RedisServer.start()) { // its own, to kill
            RedisClient ownClient = SharedRedisClient.client(own);
            try {
                RedisMembership sut = started(ownClient, "node-a", new AtomicReference<>(NodeState.ACTIVE));
                assertThat(ids(sut)).containsExactly("node-a");

                own.kill();
                assertThatThrownBy(() -> sut.nodes().toCompletableFuture().get(10, TimeUnit.SECONDS))
                        .isInstanceOf(ExecutionException.class);

                own.restart(); // empty: the next heartbeat registers the node again
                await().atMost(Duration.ofSeconds(30)).ignoreExceptions()
                        .untilAsserted(() -> assertThat(ids(sut)).containsExactly("node-a"));
                sut.close();
            } finally {
                ownClient.shutdown();
            }
        }
    }

    @Test
    void checksItsArguments() {
        AtomicReference<NodeState> state = new AtomicReference<>(NodeState.ACTIVE);
        assertThatThrownBy(() -> new RedisMembership(client, " ", HEARTBEAT, () -> info("n", state.get()), redis.scheduler()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("namespace");
        assertThatThrownBy(() -> new RedisMembership(client, ns, Duration.ZERO, () -> info("n", state.get()), redis.scheduler()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("heartbeat");
        assertThatThrownBy(() -> new RedisMembership(client, ns, HEARTBEAT, () -> info("", state.get()), redis.scheduler()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("node id");
        RedisMembership bare = new RedisMembership(raw(), ns, HEARTBEAT, () -> info("n", state.get()), redis.scheduler());
        redis.closeAfterEach(bare);
        assertThatThrownBy(() -> bare.addListener(e -> { }))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("RedisClient");
    }

    private RedisMembership started(RedisClient c, String id, AtomicReference<NodeState> state) {
        RedisMembership m = membership(c, id, state);
        m.start().toCompletableFuture().join();
        return m;
    }

    private RedisMembership membership(RedisClient c, String id, AtomicReference<NodeState> state) {
        RedisMembership m = new RedisMembership(c, ns, HEARTBEAT, () -> info(id, state.get()), redis.scheduler());
        redis.closeAfterEach(m);
        return m;
    }

    private StatefulRedisConnection<String, String> raw() {
        StatefulRedisConnection<String, String> c = client.connect();
        redis.closeAfterEach(c);
        return c;
    }

    private static List<String> ids(RedisMembership m) {
        return m.nodes().toCompletableFuture().join().stream().map(NodeInfo::id).toList();
    }

    private static MembershipEvent join(String id) {
        return new MembershipEvent(MembershipEvent.Type.JOIN, id);
    }

    private static NodeInfo info(String id, NodeState state) {
        return new NodeInfo(id, "ws://127.0.0.1:1/" + id, "eu-west", state, 7, 1000, 0.25, 0.5, 12.5, 30.0, 0.01,
                1_700_000_000_000L, "http://127.0.0.1:9080");
    }
}

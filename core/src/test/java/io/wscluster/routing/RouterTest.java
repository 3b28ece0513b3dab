package io.wscluster.routing;

import static io.wscluster.routing.Nodes.inRegion;
import static io.wscluster.routing.Nodes.node;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.wscluster.cluster.NodeInfo;
import io.wscluster.cluster.NodeState;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class RouterTest {
    private final AtomicReference<List<NodeInfo>> nodes = new AtomicReference<>();
    private final LocalStickyRegistry registry = new LocalStickyRegistry(Duration.ofMinutes(5));

    @Test
    void skipsNodesThatAreJoiningDrainingOfflineOrFull() {
        nodes.set(List.of(node("a", NodeState.DRAINING), node("b", NodeState.OFFLINE), node("c", NodeState.JOINING),
                node("full", 1000, 1000), node("ok", 999, 1000)));
        for (Algorithm a : Algorithm.values()) {
            Router r = router(a, Stickiness.NONE);
            assertThat(pick(r, RouteRequest.of("10.0.0.1", "u", null))).as(a.wireName()).isEqualTo("ok");
        }
    }

    @Test
    void saysClearlyWhenNoNodeCanTakeAConnection() {
        nodes.set(List.of(node("a", NodeState.DRAINING), node("full", 10, 10)));
        Router r = router(Algorithm.ROUND_ROBIN, Stickiness.NONE);
        assertThatThrownBy(() -> pick(r, RouteRequest.of(null, null, null))).isInstanceOf(CompletionException.class)
                .cause().isInstanceOf(NoNodeAvailableException.class)
                .hasMessageContaining("all 2 are joining, draining, offline or full")
                .satisfies(e -> assertThat(((NoNodeAvailableException) e).retryAfterSeconds()).isEqualTo(2));
        nodes.set(List.of());
        assertThatThrownBy(() -> pick(r, RouteRequest.of(null, null, null))).cause()
                .hasMessage("no node is known to the cluster");
    }

    @Test
    void aBurstBetweenHeartbeatsSpreadsOverTheNodes() {
        // Heartbeats say a and b are empty; 100 connections arrive before the next one.
        nodes.set(List.of(node("a", 0, 1000), node("b", 0, 1000)));
        Router r = router(Algorithm.LEAST_CONNECTIONS, Stickiness.NONE);
        Map<String, Integer> counts = new HashMap<>();
        for (int i = 0; i < 100; i++) {
            counts.merge(pick(r, RouteRequest.of(null, null, null)), 1, Integer::sum);
        }
        assertThat(counts).containsEntry("a", 50).containsEntry("b", 50);
        // A new heartbeat reports what the nodes really hold; the count starts over from it.
        nodes.set(List.of(node("a", 50, 1000), node("b", 10, 1000)));
        for (int i = 0; i < 40; i++) {
            assertThat(pick(r, RouteRequest.of(null, null, null))).isEqualTo("b");
        }
    }

    @Test
    void aUserStaysOnItsNodeWhileItIsHealthyAndMovesWhenItDrains() {
        nodes.set(List.of(node("a", 0, 1000), node("b", 0, 1000), node("c", 0, 1000)));
        Router r = router(Algorithm.ROUND_ROBIN, Stickiness.USER);
        String first = pick(r, RouteRequest.of(null, "alice", null));
        for (int i = 0; i < 20; i++) { // reconnects, interleaved with other users
            pick(r, RouteRequest.of(null, "user-" + i, null));
            assertThat(pick(r, RouteRequest.of("10.9.9." + i, "alice", null))).isEqualTo(first);
        }
        nodes.set(nodes.get().stream().map(n -> n.id().equals(first) ? node(first, NodeState.DRAINING) : n).toList());
        String second = pick(r, RouteRequest.of(null, "alice", null));
        assertThat(second).isNotEqualTo(first);
        assertThat(registry.lookup("u:alice").toCompletableFuture().join()).isEqualTo(second);
        assertThat(pick(r, RouteRequest.of(null, "alice", null))).isEqualTo(second);
    }

    @Test
    void sessionAndAddressStickinessFollowTheirKeys() {
        nodes.set(List.of(node("a", 0, 1000), node("b", 0, 1000), node("c", 0, 1000)));
        Router bySession = router(Algorithm.ROUND_ROBIN, Stickiness.SESSION);
        String s = pick(bySession, new RouteRequest("10.0.0.1", null, null, "sess-1", null));
        for (int i = 0; i < 10; i++) {
            assertThat(pick(bySession, new RouteRequest("10.0.0." + i, "u" + i, null, "sess-1", null))).isEqualTo(s);
        }
        Router byIp = router(Algorithm.ROUND_ROBIN, Stickiness.IP);
        String ip = pick(byIp, RouteRequest.of("192.168.1.5", null, null));
        for (int i = 0; i < 10; i++) {
            assertThat(pick(byIp, RouteRequest.of("192.168.1.5", "u" + i, null))).isEqualTo(ip);
        }
        // Without the key, the algorithm alone decides: round robin over three.
        assertThat(List.of(pick(bySession, RouteRequest.of(null, null, null)), pick(bySession, RouteRequest.of(null, null, null)),
                pick(bySession, RouteRequest.of(null, null, null)))).containsExactlyInAnyOrder("a", "b", "c");
    }

    @Test
    void aConfiguredKeyHashesOntoTheNodesWithoutARegistry() {
        nodes.set(List.of(node("a", 0, 1000), node("b", 0, 1000), node("c", 0, 1000)));
        Router r = router(Algorithm.ROUND_ROBIN, Stickiness.KEY);
        Map<String, String> where = new HashMap<>();
        for (int i = 0; i < 300; i++) {
            where.put("tenant-" + i, pick(r, new RouteRequest(null, null, null, null, "tenant-" + i)));
        }
        assertThat(where.values()).contains("a", "b", "c");
        for (int i = 0; i < 300; i++) {
            assertThat(pick(r, new RouteRequest("1.2.3.4", "x", null, null, "tenant-" + i))).isEqualTo(where.get("tenant-" + i));
        }
        assertThat(registry.keysOf("a").toCompletableFuture().join()).isEmpty();
    }

    @Test
    void regionPrefersItsOwnNodesThenTheNearestWithCapacity() {
        nodes.set(List.of(inRegion("eu1", "eu-west", 0), inRegion("eu2", "eu-west", 0), inRegion("de1", "eu-central", 0),
                inRegion("us1", "us-east", 0)));
        Regions regions = Regions.parse("eu-west:eu-central,us-east; ap-south:us-east");
        Router r = new Router(nodes::get, Algorithm.ROUND_ROBIN.create(AdaptiveWeights.DEFAULT), Stickiness.REGION, registry,
                regions, 2);
        for (int i = 0; i < 10; i++) {
            assertThat(pick(r, RouteRequest.of(null, null, "eu-west"))).isIn("eu1", "eu2");
            assertThat(pick(r, RouteRequest.of(null, null, "ap-south"))).isEqualTo("us1");
        }
        // eu-west is full: its clients go to the nearest region with capacity, eu-central.
        nodes.set(List.of(node("eu1", 1000, 1000), node("eu2", NodeState.DRAINING), inRegion("de1", "eu-central", 0),
                inRegion("us1", "us-east", 0)));
        assertThat(pick(r, RouteRequest.of(null, null, "eu-west"))).isEqualTo("de1");
        // A region nobody listed falls back to every node; so does a client without a region.
        assertThat(pick(r, RouteRequest.of(null, null, "mars"))).isIn("de1", "us1");
        assertThat(pick(r, RouteRequest.of(null, null, null))).isIn("de1", "us1");
        assertThatThrownBy(() -> Regions.parse("eu-west")).hasMessageContaining("region:neighbor");
    }

    @Test
    void aFailingRegistryDoesNotRefuseConnections() {
        nodes.set(List.of(node("a", 0, 1000)));
        StickyRegistry down = new StickyRegistry() {
            @Override
            public CompletionStage<String> lookup(String key) {
                return CompletableFuture.failedFuture(new IllegalStateException("Redis is down"));
            }

            @Override
            public CompletionStage<Void> assign(String key, String nodeId) {
                return CompletableFuture.failedFuture(new IllegalStateException("Redis is down"));
            }

            @Override
            public CompletionStage<List<String>> keysOf(String nodeId) {
                return CompletableFuture.failedFuture(new IllegalStateException("Redis is down"));
            }

            @Override
            public double cacheHitRate() {
                return 0;
            }
        };
        Router r = new Router(nodes::get, Algorithm.ROUND_ROBIN.create(AdaptiveWeights.DEFAULT), Stickiness.USER, down,
                Regions.NONE, 2);
        assertThat(pick(r, RouteRequest.of(null, "alice", null))).isEqualTo("a");
    }

    @Test
    void aCachedMappingToAGoneNodeIsReadAgainBeforeTheUserIsPlacedAnew() {
        // A registry whose local cache still says "x" while the shared store says "c": a failover moved the user.
        nodes.set(List.of(node("a", 0, 1000), node("b", 0, 1000), node("c", 0, 1000)));
        StickyRegistry stale = new StickyRegistry() {
            @Override
            public CompletionStage<String> lookup(String key) {
                return CompletableFuture.completedFuture("x");
            }

            @Override
            public CompletionStage<String> lookupFresh(String key) {
                return registry.lookup(key);
            }

            @Override
            public CompletionStage<Void> assign(String key, String nodeId) {
                return registry.assign(key, nodeId);
            }

            @Override
            public CompletionStage<List<String>> keysOf(String nodeId) {
                return registry.keysOf(nodeId);
            }

            @Override
            public double cacheHitRate() {
                return 1;
            }
        };
        registry.assign("u:alice", "c");
        Router r = new Router(nodes::get, Algorithm.ROUND_ROBIN.create(AdaptiveWeights.DEFAULT), Stickiness.USER, stale,
                Regions.NONE, 2);
        for (int i = 0; i < 5; i++) { // round robin alone would start at a
            assertThat(pick(r, RouteRequest.of(null, "alice", null))).isEqualTo("c");
        }
    }

    private Router router(Algorithm a, Stickiness s) {
        return new Router(nodes::get, a.create(AdaptiveWeights.DEFAULT), s, registry, Regions.NONE, 2);
    }

    private static String pick(Router r, RouteRequest request) {
        return r.select(request).toCompletableFuture().join().id();
    }
}

package io.wscluster.failover;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.wscluster.cluster.Membership;
import io.wscluster.cluster.NodeInfo;
import io.wscluster.cluster.NodeState;
import io.wscluster.routing.AdaptiveWeights;
import io.wscluster.routing.Algorithm;
import io.wscluster.routing.LocalStickyRegistry;
import io.wscluster.routing.Regions;
import io.wscluster.routing.Router;
import io.wscluster.routing.Stickiness;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Three survivors watch one cluster: detection, the lease, the three strategies, and a node that leaves in good order. */
class FailoverCoordinatorTest {
    private static final Duration PERIOD = Duration.ofMillis(20);

    private final ScheduledExecutorService timer = Executors.newScheduledThreadPool(3);
    private final AtomicReference<List<NodeInfo>> cluster = new AtomicReference<>();
    private final LocalStickyRegistry sticky = new LocalStickyRegistry(Duration.ofMinutes(5));
    private final LocalFailoverLog log = new LocalFailoverLog();
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

    @AfterEach
    void stop() {
        timer.shutdownNow();
    }

    @Test
    void threeSurvivorsNoticeAtOnceAndOneMovesTheFailedNodesSessions() {
        cluster.set(nodes("a", "b", "c", "x"));
        for (int i = 0; i < 10; i++) {
            sticky.assign("u:" + i, "x");
        }
        sticky.assign("u:other", "a");
        coordinators(FailoverOptions.DEFAULT);
        settle();

        cluster.set(nodes("a", "b", "c")); // x misses its heartbeats: gone without leaving

        await().atMost(Duration.ofSeconds(5)).until(() -> done().size() == 1);
        settle();
        assertThat(recent()).hasSize(1); // three noticed, one handled it
        FailoverRecord r = done().get(0);
        assertThat(r.failedNode()).isEqualTo("x");
        assertThat(r.strategy()).isEqualTo("immediate");
        assertThat(r.sessionsMoved()).isEqualTo(10);
        assertThat(r.targets().values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(10);
        assertThat(r.targets()).containsOnlyKeys("a", "b", "c"); // round robin spreads them
        assertThat(sticky.keysOf("x").toCompletableFuture().join()).isEmpty();
        assertThat(sticky.lookup("u:other").toCompletableFuture().join()).isEqualTo("a"); // untouched
        assertThat(meters.counter("wsc_failover_sessions_migrated").count()).isEqualTo(10);
    }

    @Test
    void gracefulMovesInPacedBatches() {
        cluster.set(nodes("a", "x"));
        for (int i = 0; i < 9; i++) {
            sticky.assign("u:" + i, "x");
        }
        coordinators(FailoverOptions.DEFAULT.withStrategy(FailoverStrategy.GRACEFUL).withBatch(2).withPace(Duration.ofMillis(50)));
        settle();
        long start = System.nanoTime();
        cluster.set(nodes("a"));
        await().atMost(Duration.ofSeconds(5)).until(() -> done().size() == 1);
        assertThat(done().get(0).sessionsMoved()).isEqualTo(9);
        // Five batches, four pauses of 50 ms between them.
        assertThat(done().get(0).endedAtMillis() - done().get(0).startedAtMillis()).isGreaterThanOrEqualTo(200);
        assertThat(System.nanoTime() - start).isGreaterThan(Duration.ofMillis(200).toNanos());
    }

    @Test
    void delayedMovesNothingWhenTheNodeComesBackInTime() {
        cluster.set(nodes("a", "x"));
        sticky.assign("u:1", "x");
        coordinators(FailoverOptions.DEFAULT.withStrategy(FailoverStrategy.DELAYED).withGrace(Duration.ofMillis(300)));
        settle();
        cluster.set(nodes("a"));
        await().atMost(Duration.ofSeconds(2)).until(() -> !recent().isEmpty());
        cluster.set(nodes("a", "x")); // a blip: back within the grace period
        await().atMost(Duration.ofSeconds(5)).until(() -> done().size() == 1);
        assertThat(done().get(0).outcome()).isEqualTo("returned");
        assertThat(done().get(0).sessionsMoved()).isZero();
        assertThat(sticky.lookup("u:1").toCompletableFuture().join()).isEqualTo("x");
    }

    @Test
    void aNodeThatDrainsOrLeavesIsNoFailure() throws Exception {
        cluster.set(nodes("a", "x"));
        coordinators(FailoverOptions.DEFAULT);
        settle();
        List<NodeInfo> draining = new ArrayList<>(nodes("a"));
        draining.add(node("x", NodeState.DRAINING));
        cluster.set(draining);
        settle();
        cluster.set(nodes("a"));
        settle();
        Thread.sleep(200);
        assertThat(recent()).isEmpty();
    }

    @Test
    void aCoordinatorThatDiesMidwayIsReplacedOnceItsLeaseLapses() {
        cluster.set(nodes("a", "b", "c", "x"));
        for (int i = 0; i < 4; i++) {
            sticky.assign("u:" + i, "x");
        }
        coordinators(FailoverOptions.DEFAULT);
        settle();
        // A fourth node took the lease and recorded its run, then died: it renews nothing.
        String x = FailoverLog.incarnation(node("x", NodeState.ACTIVE));
        assertThat(log.claim(x, "ghost", Duration.ofMillis(300)).toCompletableFuture().join()).isTrue();
        log.record(new FailoverRecord("ghost-run", "x", "ghost", "immediate", 0, java.util.Map.of(), System.currentTimeMillis(), 0,
                "running"));

        cluster.set(nodes("a", "b", "c"));

        await().atMost(Duration.ofSeconds(5)).until(() -> done().stream().anyMatch(r -> r.outcome().equals("done")));
        settle();
        List<FailoverRecord> all = recent();
        assertThat(all).hasSize(2);
        FailoverRecord taken = all.stream().filter(r -> !r.coordinator().equals("ghost")).findFirst().orElseThrow();
        assertThat(taken.sessionsMoved()).isEqualTo(4);
        assertThat(all.stream().filter(r -> r.coordinator().equals("ghost")).findFirst().orElseThrow().outcome())
                .startsWith("abandoned");
        assertThat(log.lease(x).toCompletableFuture().join().state()).isEqualTo(FailoverLog.Lease.State.SETTLED);
    }

    @Test
    void aNodeThatSettlesItsOwnLeaseBeforeVanishingIsNoFailure() throws Exception {
        cluster.set(nodes("a", "x"));
        coordinators(FailoverOptions.DEFAULT);
        settle();
        log.settle(FailoverLog.incarnation(node("x", NodeState.ACTIVE)), "left", Duration.ofMinutes(1)); // as WsCluster.stop does
        cluster.set(nodes("a")); // gone while its last state was active, without a leave event
        settle();
        Thread.sleep(200);
        assertThat(recent()).isEmpty();
    }

    @Test
    void aRestartedNodeIsANewIncarnation() {
        cluster.set(nodes("a", "x"));
        coordinators(FailoverOptions.DEFAULT);
        settle();
        log.settle(FailoverLog.incarnation(node("x", NodeState.ACTIVE)), "left", Duration.ofMinutes(1));
        cluster.set(nodes("a"));
        settle();
        // x starts again under the same id, then crashes: the earlier run's settled lease does not cover it.
        NodeInfo again = new NodeInfo("x", "ws://127.0.0.1:1/x", null, NodeState.ACTIVE, 0, 1000, 0, 0, 0, 0, 0, 2L, null);
        cluster.set(List.of(node("a", NodeState.ACTIVE), again));
        settle();
        cluster.set(nodes("a"));
        await().atMost(Duration.ofSeconds(5)).until(() -> done().size() == 1);
        assertThat(done().get(0).failedNode()).isEqualTo("x");
    }

    @Test
    void aRedisStepThatFailsIsRetriedWithBackoff() {
        cluster.set(nodes("a", "b", "c", "x"));
        for (int i = 0; i < 5; i++) {
            sticky.assign("u:" + i, "x");
        }
        Flaky flaky = new Flaky(sticky, 2); // each kind of call fails twice, then works
        coordinators(FailoverOptions.DEFAULT.withRetry(FailoverOptions.backoffFrom(Duration.ofMillis(5)), 5), flaky);
        settle();
        cluster.set(nodes("a", "b", "c"));
        await().atMost(Duration.ofSeconds(5)).until(() -> done().size() == 1);
        assertThat(done().get(0).outcome()).isEqualTo("done");
        assertThat(done().get(0).sessionsMoved()).isEqualTo(5);
        assertThat(sticky.keysOf("x").toCompletableFuture().join()).isEmpty();
    }

    @Test
    void aFailoverThatFailsIsTriedAgainByAnotherSurvivorOnceItsLeaseLapses() {
        cluster.set(nodes("a", "b", "c", "x"));
        sticky.assign("u:1", "x");
        Flaky flaky = new Flaky(sticky, 3); // three failures in a row: more than one coordinator's attempts
        coordinators(FailoverOptions.DEFAULT.withRetry(FailoverOptions.backoffFrom(Duration.ofMillis(5)), 2)
                .withLeaseTtl(Duration.ofMillis(300)), flaky);
        settle();
        cluster.set(nodes("a", "b", "c"));
        await().atMost(Duration.ofSeconds(10)).until(() -> done().stream().anyMatch(r -> r.outcome().equals("done")));
        assertThat(done()).extracting(FailoverRecord::outcome).anyMatch(o -> o.startsWith("failed"));
        assertThat(sticky.lookup("u:1").toCompletableFuture().join()).isIn("a", "b", "c");
    }

    /** A sticky registry whose calls of each kind fail the first {@code failures} times, as Redis in a brief outage. */
    private static final class Flaky implements io.wscluster.routing.StickyRegistry {
        private final io.wscluster.routing.StickyRegistry real;
        private final java.util.concurrent.atomic.AtomicInteger keysOf;
        private final java.util.concurrent.atomic.AtomicInteger assign;

        Flaky(io.wscluster.routing.StickyRegistry real, int failures) {
            this.real = real;
            this.keysOf = new java.util.concurrent.atomic.AtomicInteger(failures);
            this.assign = new java.util.concurrent.atomic.AtomicInteger(failures);
        }

        private static <T> java.util.concurrent.CompletionStage<T> orFail(java.util.concurrent.atomic.AtomicInteger left,
                                                                          java.util.concurrent.CompletionStage<T> then) {
            return left.getAndDecrement() > 0
                    ? java.util.concurrent.CompletableFuture.failedFuture(new IllegalStateException("Redis is down")) : then;
        }

        @Override
        public java.util.concurrent.CompletionStage<String> lookup(String key) {
            return real.lookup(key);
        }

        @Override
        public java.util.concurrent.CompletionStage<Void> assign(String key, String nodeId) {
            return orFail(assign, real.assign(key, nodeId));
        }

        @Override
        public java.util.concurrent.CompletionStage<List<String>> keysOf(String nodeId) {
            return orFail(keysOf, real.keysOf(nodeId));
        }

        @Override
        public double cacheHitRate() {
            return 1;
        }
    }

    private void coordinators(FailoverOptions options) {
        coordinators(options, sticky);
    }

    private void coordinators(FailoverOptions options, io.wscluster.routing.StickyRegistry registry) {
        Router spread = new Router(cluster::get, Algorithm.ROUND_ROBIN.create(AdaptiveWeights.DEFAULT), Stickiness.NONE, registry,
                Regions.NONE, 1);
        for (String id : List.of("a", "b", "c")) {
            new FailoverCoordinator(id, options, cluster::get, () -> Membership.HEALTHY_SINCE_START, registry, spread, log, timer, PERIOD,
                    meters);
        }
    }

    private void settle() {
        try {
            Thread.sleep(5 * PERIOD.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private List<FailoverRecord> recent() {
        return log.recent(10).toCompletableFuture().join();
    }

    private List<FailoverRecord> done() {
        return recent().stream().filter(r -> r.endedAtMillis() != 0).toList();
    }

    private static List<NodeInfo> nodes(String... ids) {
        List<NodeInfo> out = new ArrayList<>();
        for (String id : ids) {
            out.add(node(id, NodeState.ACTIVE));
        }
        return out;
    }

    private static NodeInfo node(String id, NodeState state) {
        return new NodeInfo(id, "ws://127.0.0.1:1/" + id, null, state, 0, 1000, 0, 0, 0, 0, 0, 1L, null);
    }
}

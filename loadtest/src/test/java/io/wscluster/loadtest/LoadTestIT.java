package io.wscluster.loadtest;

import static org.assertj.core.api.Assertions.assertThat;

import io.wscluster.LocalNodes;
import io.wscluster.WsCluster;
import io.wscluster.security.ClientReach;
import io.wscluster.security.RoomAccess;
import java.time.Duration;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A short run of every scenario against a real node: a few hundred connections for a few seconds,
 * checking that the counts add up. No assertion here is about speed.
 */
class LoadTestIT {
    private static final String SECRET = "loadtest-secret";
    private static LocalNodes nodes;
    private static WsCluster node;

    @BeforeAll
    static void startNode() {
        nodes = LocalNodes.builder().options(o -> o.security(s -> s.jwtSecret(SECRET).allowAnonymous(true).roomPublish(RoomAccess.ANYONE).clientPublishRate(0).clientPublishBytes(0).clientSend(ClientReach.ANYONE).clientBroadcast(ClientReach.ANYONE)).history(h -> h.size(1000))).start(1);
        node = nodes.get(0);
    }

    @AfterAll
    static void stopNode() {
        nodes.close();
    }

    private static RunReport run(Scenario scenario, UnaryOperator<LoadTestOptions.Builder> more) throws InterruptedException {
        LoadTestOptions.Builder b = LoadTestOptions.builder().url(node.url()).scenario(scenario)
                .connections(200).connectRate(2000).duration(Duration.ofSeconds(3)).drain(Duration.ofSeconds(1))
                .serverPids(List.of(ProcessHandle.current().pid()));
        RunReport r = LoadTest.run(more.apply(b).build(), line -> { });
        assertThat(r.connectAttempts()).isGreaterThanOrEqualTo(200);
        assertThat(r.connectFailures()).isZero();
        assertThat(r.successRate()).isEqualTo(1.0);
        assertThat(r.errors()).isEmpty();
        assertThat(r.connectLatency().getTotalCount()).isEqualTo(r.connectAttempts());
        assertThat(r.timeline()).isNotEmpty();
        return r;
    }

    /** Every published message is accounted for, and on a healthy node nothing is lost. */
    private static void assertAccounted(RunReport r) {
        assertThat(r.sent()).isGreaterThan(0);
        assertThat(r.expected()).isGreaterThan(0);
        assertThat(r.lost()).isZero();
        assertThat(r.outOfOrder()).isZero();
        assertThat(r.delivered()).isEqualTo(r.expected());
        assertThat(r.messageLatency().getTotalCount()).isEqualTo(r.delivered());
        assertThat(r.serverCpuUsPerDelivery()).isPositive();
    }

    @Test
    void idleHoldsEveryConnection() throws Exception {
        RunReport r = run(Scenario.IDLE, b -> b);
        assertThat(r.connectionsPeak()).isEqualTo(200);
        assertThat(r.sent()).isZero();
        assertThat(r.lost()).isZero();
    }

    @Test
    void fanoutDeliversEveryMessageToEverySubscriberOfItsRoom() throws Exception {
        RunReport r = run(Scenario.FANOUT, b -> b.rooms(2).rate(50).publishers(2));
        assertAccounted(r);
        assertThat(r.rooms()).hasSize(2);
        // Each room's 100 subscribers expect every message published to it.
        long published = r.rooms().values().stream().mapToLong(RoomTally::lastOffset).sum();
        assertThat(r.expected()).isEqualTo(100 * published - r.rooms().values().stream().mapToLong(RoomTally::sumStart).sum());
        assertThat(r.sent()).isBetween(100L, 200L);
    }

    @Test
    void roomsSpreadsManySmallRooms() throws Exception {
        RunReport r = run(Scenario.ROOMS, b -> b.roomSize(10).rate(100).msgpack());
        assertAccounted(r);
        assertThat(r.rooms()).hasSize(20);
    }

    @Test
    void p2pReachesEachTargetedUser() throws Exception {
        RunReport r = run(Scenario.P2P, b -> b.jwtSecret(SECRET).rate(100));
        assertAccounted(r);
        assertThat(r.expectedDirect()).isEqualTo(r.sent());
    }

    @Test
    void broadcastReachesEveryConnection() throws Exception {
        RunReport r = run(Scenario.BROADCAST, b -> b.rate(10).compression(true));
        assertAccounted(r);
        assertThat(r.expectedDirect()).isEqualTo(r.sent() * 200);
    }

    @Test
    void churnReopensConnectionsAtItsRate() throws Exception {
        RunReport r = run(Scenario.CHURN, b -> b.churnRate(50));
        assertThat(r.connectAttempts()).isGreaterThan(250);
        assertThat(r.timeline().get(r.timeline().size() - 1).connections()).isLessThanOrEqualTo(200);
    }

    @Test
    void aReconnectStormRecoversEveryMessageWithSince() throws Exception {
        RunReport r = run(Scenario.RECONNECT_STORM, b -> b.rate(100).stormShare(0.5).duration(Duration.ofSeconds(4)));
        assertThat(r.reconnects()).isGreaterThan(50);
        assertThat(r.lost()).isZero();
        assertThat(r.outOfOrder()).isZero();
        assertThat(r.delivered()).isEqualTo(r.expected());
    }

    @Test
    void workerProcessesSplitTheRunAndTheirFiguresCombine() throws Exception {
        RunReport r = run(Scenario.FANOUT, b -> b.workers(2).rate(50));
        assertAccounted(r);
        assertThat(r.connectionsPeak()).isEqualTo(200);
    }
}

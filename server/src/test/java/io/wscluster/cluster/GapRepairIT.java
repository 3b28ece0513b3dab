package io.wscluster.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.wscluster.NodeFixture;
import io.wscluster.WsCluster;
import io.wscluster.metrics.NodeMetrics;
import io.wscluster.testkit.FaultProxy;
import io.wscluster.testkit.SharedRedis;
import io.wscluster.testkit.TestClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Two nodes on one Redis, n2's every connection to it through a {@link FaultProxy}; subscribers on
 * n2, a publisher on n1. Whatever happens to n2's link, every acknowledged message reaches every
 * subscriber once and in order (the node reads what its pub/sub connection missed from history),
 * and where that cannot be, the subscriber is told with a {@code subscribed} frame, recovered false.
 */
class GapRepairIT {
    private static final String ROOM = "r";
    private static final int SUBSCRIBERS = 5;
    private static final Duration HEARTBEAT = Duration.ofSeconds(5);

    @RegisterExtension
    static final SharedRedis redis = new SharedRedis();
    @RegisterExtension
    final NodeFixture nodes = new NodeFixture();

    private final String cluster = SharedRedis.namespace();
    private final ScheduledExecutorService faults = Executors.newSingleThreadScheduledExecutor();
    private FaultProxy proxy;
    private WsCluster n2;
    private TestClient publisher;
    private final List<TestClient> subscribers = new ArrayList<>();

    @BeforeEach
    void proxy() throws Exception {
        proxy = FaultProxy.to(redis.server().port());
    }

    /** Starts n1 and n2 with rooms keeping {@code history} messages, connects the publisher and the subscribers. */
    private void start(int history) throws Exception {
        // A lease of 15 s (three heartbeats): the faults below, and n2's reconnects after them, are
        // shorter, so nobody fails n2 over and n2 does not fence itself.
        WsCluster n1 = nodes.start(o -> o.nodeId("n1").history(h -> h.size(history))
                .bus(b -> b.redisUrl(redis.url()).cluster(cluster).heartbeat(HEARTBEAT)));
        n2 = nodes.start(o -> o.nodeId("n2").history(h -> h.size(history))
                .bus(b -> b.redisUrl(proxy.url()).cluster(cluster).heartbeat(HEARTBEAT)));
        publisher = nodes.open(TestClient.options(n1.url()));
        for (int i = 0; i < SUBSCRIBERS; i++) {
            TestClient c = nodes.open(TestClient.options(n2.url()));
            RedisNodes.subscribe(c, ROOM);
            subscribers.add(c);
        }
    }

    @AfterEach
    void stop() {
        faults.shutdownNow();
        proxy.close();
    }

    @Test
    void connectionsResetAgainAndAgainLoseNothing() throws Exception {
        start(1000); // all of it: whatever n2 misses, the history still holds
        faults.scheduleAtFixedRate(proxy::resetAll, 200, 300, TimeUnit.MILLISECONDS);
        List<Long> acked = publish(400, Duration.ofMillis(5));
        faults.shutdownNow();
        proxy.pass();

        assertThat(proxy.connections()).as("n2's connections were reset and opened again").isGreaterThan(10);
        everySubscriberGetsExactly(acked);
        assertThat(repairs()).as("holes were filled from history").isPositive();
    }

    @Test
    void aLinkThatGoesSilentIsTornDownAndWhatItMissedIsDelivered() throws Exception {
        start(1000);
        List<Long> acked = new ArrayList<>(publish(20, Duration.ofMillis(5)));
        proxy.discard(); // up, but nothing gets through: only n2's own watch notices
        acked.addAll(publish(40, Duration.ofMillis(100))); // 4 s: well within a lease (15 s), or n2 would fence itself
        proxy.pass();
        acked.addAll(publish(20, Duration.ofMillis(5)));

        everySubscriberGetsExactly(acked);
        assertThat(repairs()).isPositive();
    }

    @Test
    void whatTheHistoryNoLongerHoldsIsToldBeforeWhatFollows() throws Exception {
        start(100);
        List<Long> before = publish(20, Duration.ZERO);
        everySubscriberGetsExactly(before);
        proxy.discard();
        // More than the room keeps (100) while n2 hears nothing, quickly: cut off for longer than a
        // lease (15 s), n2 would rightly send its clients away instead (NodeFenceIT).
        publish(150, Duration.ofMillis(2));
        proxy.pass();
        long last = publish(5, Duration.ofMillis(5)).get(4);

        for (TestClient c : subscribers) {
            JsonNode restart = restart(nextOfRoom(c, Duration.ofSeconds(30)), "history");
            long at = restart.path("offset").asLong();
            assertThat(at).as("what the history lost").isBetween(20L, last - 100);
            for (long expected = at + 1; expected <= last; expected++) {
                JsonNode m = nextOfRoom(c, Duration.ofSeconds(20));
                assertThat(m).as("message " + expected).isNotNull();
                assertThat(m.path("offset").asLong()).as(m.toString()).isEqualTo(expected);
            }
        }
        assertThat(restarts()).isPositive();
    }

    @Test
    void aRedisThatRestartsEmptyTellsEverySubscriberItsStreamRestarted() throws Exception {
        start(100);
        List<Long> before = publish(10, Duration.ZERO);
        everySubscriberGetsExactly(before);
        redis.server().kill();
        redis.server().restart();
        long first = -1;
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (first < 0 && System.nanoTime() < deadline) {
            JsonNode reply = publisher.request(publisher.frame("publish").put("room", ROOM).put("data", "after"));
            if (reply.path("op").asText().equals("ack")) {
                first = reply.path("offset").asLong();
            } else {
                Thread.sleep(200);
            }
        }
        assertThat(first).as("publishing works again").isEqualTo(1);
        for (TestClient c : subscribers) {
            JsonNode restart = restart(c.nextMatching(f -> f.path("op").asText().equals("subscribed"), Duration.ofSeconds(20)), "epoch");
            JsonNode next = c.nextMatching(f -> f.path("op").asText().equals("message"), Duration.ofSeconds(10));
            assertThat(next.path("offset").asLong()).isEqualTo(1);
            assertThat(next.path("epoch").asText()).isEqualTo(restart.path("epoch").asText());
        }
    }

    /**
     * The next frame but {@code direct_gap}: the broadcast channel breaks with the room's, and its
     * notice (DirectGapIT) comes in between.
     */
    private static JsonNode nextOfRoom(TestClient c, Duration timeout) {
        return c.nextMatching(f -> !f.path("op").asText().equals("direct_gap"), timeout);
    }

    /** Checks that {@code frame} tells its client that the room's stream restarted, for {@code reason}; returns it. */
    private static JsonNode restart(JsonNode frame, String reason) {
        assertThat(frame).as("told before the first message after the break").isNotNull();
        assertThat(frame.path("op").asText()).as(frame.toString()).isEqualTo("subscribed");
        assertThat(frame.has("id")).isFalse();
        assertThat(frame.path("recovered").asBoolean(true)).isFalse();
        assertThat(frame.path("reason").asText()).isEqualTo(reason);
        return frame;
    }

    /** Publishes {@code n} messages through n1, {@code every} apart; returns the offsets acknowledged. */
    private List<Long> publish(int n, Duration every) throws InterruptedException {
        List<Long> acked = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            JsonNode ack = publisher.request(publisher.frame("publish").put("room", ROOM).put("data", i));
            assertThat(ack.path("op").asText()).as(ack.toString()).isEqualTo("ack");
            acked.add(ack.path("offset").asLong());
            Thread.sleep(every.toMillis());
        }
        return acked;
    }

    private void everySubscriberGetsExactly(List<Long> acked) {
        for (TestClient c : subscribers) {
            List<Long> got = new ArrayList<>();
            while (got.size() < acked.size()) {
                JsonNode f = nextOfRoom(c, Duration.ofSeconds(20));
                assertThat(f).as("received so far: " + got).isNotNull();
                assertThat(f.path("op").asText()).as("no restart: the history held everything: " + f).isEqualTo("message");
                got.add(f.path("offset").asLong());
            }
            assertThat(got).isEqualTo(acked);
        }
    }

    private double repairs() {
        var counter = n2.registry().find(NodeMetrics.STREAM_REPAIRS).counter();
        return counter == null ? 0 : counter.count();
    }

    private double restarts() {
        var counter = n2.registry().find(NodeMetrics.STREAM_RESTARTS).tag("reason", "history").counter();
        return counter == null ? 0 : counter.count();
    }
}

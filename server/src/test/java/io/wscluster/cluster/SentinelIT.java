package io.wscluster.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.wscluster.NodeFixture;
import io.wscluster.WsCluster;
import io.wscluster.testkit.RedisSentinels;
import io.wscluster.testkit.TestClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Two nodes on a master found through Sentinel, under traffic, when the master is killed and
 * Sentinel promotes the replica: publishing goes on on the new master, each publish retried with
 * its idempotency key until acknowledged (as the SDK does) lands once, and every subscriber gets
 * every acknowledged message or is told it may have missed some (recovered false: replication is
 * asynchronous, so the replica may lack the last acknowledged ones).
 */
class SentinelIT {
    @RegisterExtension
    final NodeFixture nodes = new NodeFixture();

    private RedisSentinels redis;
    private final List<TestClient> subscribers = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        redis = RedisSentinels.start();
        String cluster = "sentinel-it";
        WsCluster n1 = nodes.start(o -> o.nodeId("n1").bus(b -> b.redisUrl(redis.url()).cluster(cluster).heartbeat(Duration.ofSeconds(1))));
        WsCluster n2 = nodes.start(o -> o.nodeId("n2").bus(b -> b.redisUrl(redis.url()).cluster(cluster).heartbeat(Duration.ofSeconds(1))));
        for (WsCluster n : List.of(n1, n2, n1, n2)) {
            TestClient c = nodes.open(TestClient.options(n.url()));
            RedisNodes.subscribe(c, "r");
            subscribers.add(c);
        }
    }

    @AfterEach
    void stop() {
        if (redis != null) {
            redis.close();
        }
    }

    @Test
    void aMasterKilledUnderTrafficFailsOverToTheReplicaWithNothingLostSilentlyOrDoubled() throws Exception {
        TestClient publisher = nodes.open(TestClient.options(nodes.node().url()));
        List<String> acked = new CopyOnWriteArrayList<>();
        AtomicBoolean publishing = new AtomicBoolean(true);
        Thread t = new Thread(() -> {
            for (int i = 0; publishing.get() && i < 10_000; i++) {
                String data = "m" + i;
                long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                while (System.nanoTime() < deadline) { // retried with its key until acknowledged, as the SDK does
                    JsonNode reply = publisher.request(publisher.frame("publish").put("room", "r").put("data", data)
                            .put("idempotency_key", data));
                    if (reply.path("op").asText().equals("ack")) {
                        acked.add(data);
                        break;
                    }
                    sleep(100);
                }
                sleep(20);
            }
        });
        t.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> acked.size() >= 30);
        redis.killMaster();
        await().atMost(Duration.ofSeconds(30)).until(redis::replicaPromoted);
        int atFailover = acked.size();
        await().atMost(Duration.ofSeconds(40)).until(() -> acked.size() >= atFailover + 30);
        publishing.set(false);
        t.join(40_000);

        for (TestClient c : subscribers) {
            Set<String> got = new HashSet<>();
            List<String> order = new ArrayList<>();
            boolean told = false;
            while (true) {
                JsonNode f = c.poll(Duration.ofSeconds(5));
                if (f == null) {
                    break;
                }
                if (f.path("op").asText().equals("subscribed")) {
                    told |= !f.path("recovered").asBoolean(true);
                } else if (f.path("op").asText().equals("message")) {
                    String data = f.path("data").asText();
                    assertThat(got.add(data)).as("delivered once: " + data).isTrue();
                    order.add(data);
                }
            }
            Set<String> missing = new HashSet<>(acked);
            missing.removeAll(got);
            assertThat(missing.isEmpty() || told).as("acknowledged but not delivered, and not told: " + missing).isTrue();
            System.out.println("subscriber: " + got.size() + " of " + acked.size() + " acknowledged messages, "
                    + missing.size() + " missing, told: " + told);
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

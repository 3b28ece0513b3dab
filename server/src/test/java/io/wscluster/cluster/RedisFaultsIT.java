package io.wscluster.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.wscluster.WsCluster;
import io.wscluster.testkit.SharedRedis;
import io.wscluster.testkit.TestClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Faults of Redis itself under three healthy nodes (200 ms heartbeats, so a lease of 600 ms): a
 * freeze much longer than a lease, writes refused (memory full) as long, and a restart that loses
 * every record. Nobody is failed over, no
 * client is disconnected, and delivery goes on afterwards.
 */
class RedisFaultsIT {
    @RegisterExtension
    static final SharedRedis redis = new SharedRedis();
    @RegisterExtension
    final RedisNodes nodes = new RedisNodes(redis);

    private final List<TestClient> clients = new ArrayList<>();

    @BeforeEach
    void connect() throws Exception {
        for (int i = 0; i < 3; i++) {
            TestClient c = nodes.connect(i, null);
            RedisNodes.subscribe(c, "r");
            clients.add(c);
        }
        Thread.sleep(1_000); // every node has seen the others in the directory
    }

    @Test
    void aRedisFrozenForSeveralLeasesFailsNobodyOver() throws Exception {
        redis.server().pause();
        Thread.sleep(2_500);
        redis.server().resume();
        nobodyFailedOverAndDeliveryGoesOn();
    }

    @Test
    void aRedisRefusingWritesForSeveralLeasesFailsNobodyOver() throws Exception {
        // maxmemory 1 byte under the default noeviction: every write answers OOM, heartbeats included.
        assertThat(redis.server().cli("CONFIG", "SET", "maxmemory", "1")).isEqualTo("OK");
        try {
            Thread.sleep(2_500);
        } finally {
            assertThat(redis.server().cli("CONFIG", "SET", "maxmemory", "0")).isEqualTo("OK");
        }
        nobodyFailedOverAndDeliveryGoesOn();
    }

    @Test
    void aRedisRestartedEmptyFailsNobodyOver() throws Exception {
        redis.server().restart();
        nobodyFailedOverAndDeliveryGoesOn();
    }

    private void nobodyFailedOverAndDeliveryGoesOn() throws Exception {
        Thread.sleep(3_000); // five leases: long enough for any false judgment to have been made
        for (int i = 0; i < 3; i++) {
            WsCluster n = nodes.get(i);
            var runs = n.registry().find("wsc_failover_duration").timer();
            assertThat(runs == null ? 0 : runs.count()).as("failovers run by " + n.nodeId()).isZero();
        }
        for (TestClient c : clients) {
            assertThat(c.isOpen()).as("no client of a healthy node is disconnected").isTrue();
        }
        TestClient publisher = clients.get(0);
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                assertThat(publisher.request(publisher.frame("publish").put("room", "r").put("data", "after")).path("op").asText())
                        .isEqualTo("ack"));
        for (TestClient c : clients) {
            JsonNode m = c.nextMatching(f -> f.path("op").asText().equals("message") && f.path("data").asText().equals("after"),
                    Duration.ofSeconds(20));
            assertThat(m).as("delivery goes on").isNotNull();
        }
    }
}

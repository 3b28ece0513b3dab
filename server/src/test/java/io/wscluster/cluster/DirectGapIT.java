package io.wscluster.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.wscluster.NodeFixture;
import io.wscluster.WsCluster;
import io.wscluster.metrics.NodeMetrics;
import io.wscluster.security.ClientReach;
import io.wscluster.testkit.FaultProxy;
import io.wscluster.testkit.SharedRedis;
import io.wscluster.testkit.TestClient;
import io.wscluster.testkit.Tokens;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Messages sent to a user and broadcasts carry no offsets and have no history: what a node's
 * pub/sub connection misses of them cannot be repaired. Its connections are told instead, with a
 * {@code direct_gap} frame, before anything sent after the break; those of another user are not
 * told of that user's channel.
 */
class DirectGapIT {
    private static final String SECRET = "direct-gap-secret-of-at-least-32-bytes";

    @RegisterExtension
    static final SharedRedis redis = new SharedRedis();
    @RegisterExtension
    final NodeFixture nodes = new NodeFixture();

    private FaultProxy proxy;

    @AfterEach
    void stop() {
        if (proxy != null) {
            proxy.close();
        }
    }

    @Test
    void aBrokenPubSubConnectionIsToldToTheConnectionsWhoseDirectMessagesItMayHaveLost() throws Exception {
        proxy = FaultProxy.to(redis.server().port());
        String cluster = SharedRedis.namespace();
        // A 5-s heartbeat (a lease of 15 s): the reset below fails nobody over and fences nobody.
        WsCluster n1 = nodes.start(o -> o.nodeId("n1").bus(b -> b.redisUrl(redis.url()).cluster(cluster).heartbeat(Duration.ofSeconds(5)))
                .security(s -> s.jwtSecret(SECRET).clientSend(ClientReach.AUTHENTICATED).clientBroadcast(ClientReach.AUTHENTICATED)));
        WsCluster n2 = nodes.start(o -> o.nodeId("n2").bus(b -> b.redisUrl(proxy.url()).cluster(cluster).heartbeat(Duration.ofSeconds(5)))
                .security(s -> s.jwtSecret(SECRET)));
        TestClient alice = nodes.open(TestClient.options(n2.url()).withBearer(Tokens.hs256(SECRET, "alice")));
        TestClient bob = nodes.open(TestClient.options(n2.url()).withBearer(Tokens.hs256(SECRET, "bob")));
        TestClient sender = nodes.open(TestClient.options(n1.url()).withBearer(Tokens.hs256(SECRET, "carol")));
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            sender.request(sender.frame("send").put("user", "alice").put("data", "before"));
            assertThat(alice.nextMatching(f -> "before".equals(f.path("data").asText()), Duration.ofMillis(500))).isNotNull();
        });

        proxy.resetAll(); // n2's connections to Redis, its pub/sub one among them, end at once
        List<JsonNode> aliceTold = new ArrayList<>();
        aliceTold.add(alice.next("direct_gap"));
        aliceTold.add(alice.next("direct_gap"));
        assertThat(aliceTold).extracting(f -> f.path("of").asText()).containsExactlyInAnyOrder("user", "broadcast");
        for (JsonNode f : aliceTold) {
            assertThat(f.path("from_ts").asLong()).isPositive().isLessThanOrEqualTo(f.path("to_ts").asLong());
        }
        JsonNode bobTold = bob.next("direct_gap");
        assertThat(bobTold.path("of").asText()).as("bob's own channel broke too: he hears of it on its own").isIn("user", "broadcast");

        // What is sent after the break arrives, after the frames that told of it.
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            sender.request(sender.frame("send").put("user", "alice").put("data", "after"));
            assertThat(alice.nextMatching(f -> "after".equals(f.path("data").asText()), Duration.ofMillis(500))).isNotNull();
        });
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(n2.registry().find(NodeMetrics.DIRECT_GAPS)
                .tag("of", "broadcast").counter()).isNotNull());
    }
}

package io.wscluster.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.wscluster.NodeFixture;
import io.wscluster.WsCluster;
import io.wscluster.metrics.NodeMetrics;
import io.wscluster.testkit.TestClient;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A client that stops reading is closed with 1008 before it can grow the heap, and slows nobody else. */
class SlowConsumerIT {
    private static final int MESSAGES = 1500;
    @RegisterExtension
    final NodeFixture nodes = new NodeFixture();
    private WsCluster node;

    @BeforeEach
    void start() {
        node = nodes.start(o -> o.transport(t -> t.outboundBufferLimit(256 * 1024)));
    }

    @Test
    void aClientThatDoesNotReadIsClosedAndOthersGetEverything() throws Exception {
        String payload = "x".repeat(16 * 1024);
        try (TestClient slow = TestClient.connect(node.url()); TestClient healthy = TestClient.connect(node.url())) {
            slow.request(slow.frame("subscribe").put("room", "feed"));
            healthy.request(healthy.frame("subscribe").put("room", "feed"));
            slow.reading(false);

            // A steady stream the healthy client keeps up with; only the slow one falls behind.
            for (int i = 0; i < MESSAGES; i++) {
                node.publish("feed", Map.of("i", i, "pad", payload)).toCompletableFuture().join();
                JsonNode m = healthy.next("message");
                assertThat(m.path("data").path("i").asInt()).isEqualTo(i);
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> counter(NodeMetrics.SLOW_CONSUMERS + "_total") == 1.0);
            // The slow client's socket is cut after its grace period; the healthy one stays.
            await().atMost(Duration.ofSeconds(10)).until(() -> node.registry().get(NodeMetrics.CONNECTIONS).gauge().value() == 1.0);
            assertThat(healthy.request(healthy.frame("ping")).path("op").asText()).isEqualTo("pong");

            slow.reading(true);
            TestClient.CloseStatus closed = slow.awaitClose(Duration.ofSeconds(10));
            // 1008 when the close frame got through before the cut, 1006 when the cut came first.
            assertThat(closed.code()).isIn(1008, 1006);
        }
    }

    private double counter(String prometheusName) {
        return node.registry().scrape().lines()
                .filter(l -> l.startsWith(prometheusName + " "))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.indexOf(' ') + 1)))
                .findFirst().orElse(-1);
    }
}

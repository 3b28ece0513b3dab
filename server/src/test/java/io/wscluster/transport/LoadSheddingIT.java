package io.wscluster.transport;

import io.wscluster.NodeFixture;
import io.wscluster.metrics.NodeMetrics;
import io.wscluster.testkit.TestClient;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static io.wscluster.transport.Wire.expect;
import static io.wscluster.transport.Wire.subscribe;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

/**
 * A node at its connection limit refuses new upgrades with 503 and Retry-After, whichever address
 * they come from, serves what it holds, and accepts again by itself.
 */
class LoadSheddingIT {
    @RegisterExtension
    final NodeFixture nodes = new NodeFixture();

    @Test
    void atMaxConnectionsNewUpgradesGet503WhileTheHeldClientsAreServed() throws Exception {
        nodes.start(o -> o.transport(t -> t.maxConnections(4)));
        List<TestClient> held = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            held.add(nodes.open());
        }
        subscribe(held.get(0), "r");

        // A flood of upgrades beyond the limit from several source addresses: every one refused, none held.
        for (int i = 0; i < 20; i++) {
            TestClient.Options from = nodes.options().withLocalAddress("127.0.0." + (2 + i % 4));
            TestClient.Refused refused = catchThrowableOfType(TestClient.Refused.class, () -> nodes.open(from));
            assertThat(refused).as("upgrade %d beyond the limit", i).isNotNull();
            assertThat(refused.status()).isEqualTo(503);
            assertThat(refused.body()).contains("unavailable").contains("max-connections");
            assertThat(refused.retryAfter()).isEqualTo("5");
        }
        assertThat(nodes.node().registry().find(NodeMetrics.SHED).tag("reason", "connections").counter().count()).isEqualTo(20.0);

        expect(held.get(1).request(held.get(1).frame("publish").put("room", "r").put("data", "still served")), "ack");
        assertThat(held.get(0).next("message").path("data").asText()).isEqualTo("still served");

        held.get(3).close();
        await().atMost(TestClient.TIMEOUT).ignoreExceptions().until(() -> nodes.open().isOpen());
    }
}

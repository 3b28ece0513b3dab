package io.wscluster.transport;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.wscluster.NodeFixture;
import io.wscluster.WsCluster;
import io.wscluster.testkit.TestClient;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class SmokeIT {
    @RegisterExtension
    final NodeFixture nodes = new NodeFixture();
    WsCluster node;

    @BeforeEach
    void start() {
        node = nodes.start(o -> o.nodeId("n1"));
    }

    @Test
    void subscribePublishReceive() throws Exception {
        try (TestClient a = TestClient.connect(node.url()); TestClient b = TestClient.connect(node.url())) {
            JsonNode welcome = a.next();
            assertThat(welcome.path("op").asText()).isEqualTo("welcome");
            assertThat(welcome.path("node").asText()).isEqualTo("n1");
            JsonNode sub = a.request(a.frame("subscribe").put("room", "r"));
            assertThat(sub.path("op").asText()).isEqualTo("subscribed");
            JsonNode ack = b.request(b.frame("publish").put("room", "r").put("data", "hi"));
            assertThat(ack.path("op").asText()).isEqualTo("ack");
            assertThat(ack.path("offset").asLong()).isEqualTo(1);
            JsonNode msg = a.next("message");
            assertThat(msg.path("data").asText()).isEqualTo("hi");
            assertThat(msg.path("offset").asLong()).isEqualTo(1);
        }
    }
}

package io.wscluster.transport;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.wscluster.NodeOptions;
import io.wscluster.WsCluster;
import io.wscluster.testkit.TestClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class SmokeIT {
    WsCluster node;

    @BeforeEach
    void start() {
        node = WsCluster.builder().options(NodeOptions.builder().port(0).nodeId("n1").build()).start();
    }

    @AfterEach
    void stop() {
        node.stop();
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

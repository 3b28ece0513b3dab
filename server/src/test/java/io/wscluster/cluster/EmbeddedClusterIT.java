package io.wscluster.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.wscluster.LocalNodes;
import io.wscluster.NodeFixture;
import io.wscluster.WsCluster;
import io.wscluster.testkit.TestClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Nodes of one process sharing an embedded cluster behave as nodes sharing Redis. */
class EmbeddedClusterIT {
    @RegisterExtension
    final NodeFixture fixture = new NodeFixture();

    @Test
    void twoNodesOfOneProcessAreOneService() throws Exception {
        LocalNodes shared = fixture.cluster(b -> b);
        WsCluster a = shared.start("a");
        WsCluster b = shared.start("b");
        try (TestClient onA = TestClient.connect(a.url()); TestClient onB = TestClient.connect(b.url())) {
            onA.next("welcome");
            onB.next("welcome");
            onB.request(onB.frame("subscribe").put("room", "r"));
            JsonNode ack = onA.request(onA.frame("publish").put("room", "r").put("data", "across"));
            assertThat(ack.path("offset").asLong()).isEqualTo(1);
            assertThat(onB.next("message").path("data").asText()).isEqualTo("across");
            onA.request(onA.frame("subscribe").put("room", "r"));
            JsonNode presence = onB.request(onB.frame("presence").put("room", "r"));
            assertThat(presence.path("connections").asInt()).isEqualTo(2);
            var http = java.net.http.HttpClient.newHttpClient();
            var r = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(b.adminUrl() + "/api/cluster")).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            JsonNode cluster = io.wscluster.codec.Encoding.JSON.mapper().readTree(r.body());
            assertThat(cluster.path("nodes")).extracting(n -> n.path("id").asText()).containsExactly("a", "b");
        }
    }
}

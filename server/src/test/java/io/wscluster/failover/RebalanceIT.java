package io.wscluster.failover;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.wscluster.LocalNodes;
import io.wscluster.NodeFixture;
import io.wscluster.WsCluster;
import io.wscluster.cluster.NodeState;
import io.wscluster.codec.Encoding;
import io.wscluster.testkit.TestClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** After a scale-out, POST /admin/shed applies an imbalance move: clients are sent to the new node, the node stays active. */
class RebalanceIT {
    @RegisterExtension
    final NodeFixture fixture = new NodeFixture();
    private final LocalNodes nodes = fixture.cluster(b -> b.options(o -> o
            .bus(bus -> bus.heartbeat(Duration.ofMillis(100))).drain(d -> d.batch(5).pace(Duration.ofMillis(20)))));
    private final List<TestClient> clients = new ArrayList<>();
    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void theImbalanceMoveSendsHalfOfTheClientsToTheNewNode() throws Exception {
        WsCluster a = nodes.start("a");
        for (int i = 0; i < 40; i++) {
            TestClient c = fixture.connect(a.url());
            c.next("welcome");
            clients.add(c);
        }
        WsCluster b = nodes.start("b"); // the scale-out
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(json(get(a, "/api/cluster")).path("imbalance")
                .path("moves").toString()).isEqualTo("[{\"from\":\"a\",\"to\":\"b\",\"connections\":20}]"));

        assertThat(post(a, "/admin/shed?count=20&to=b").statusCode()).isEqualTo(202);

        await().atMost(Duration.ofSeconds(10)).until(() -> clients.stream().filter(c -> !c.isOpen()).count() == 20);
        int told = 0;
        for (TestClient c : clients) {
            if (!c.isOpen()) {
                JsonNode f = c.next("reconnect");
                assertThat(f.path("reason").asText()).isEqualTo("rebalance");
                assertThat(f.path("url").asText()).isEqualTo(b.url());
                told++;
            }
        }
        assertThat(told).isEqualTo(20);
        assertThat(a.state()).isEqualTo(NodeState.ACTIVE);
        assertThat(post(a, "/admin/shed?count=5&to=a").statusCode()).isEqualTo(400); // not another node
        assertThat(post(a, "/admin/shed?count=x&to=b").statusCode()).isEqualTo(400);
    }

    private HttpResponse<String> get(WsCluster n, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(n.adminUrl() + path)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(WsCluster n, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(n.adminUrl() + path)).POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode json(HttpResponse<String> r) throws Exception {
        return Encoding.JSON.mapper().readTree(r.body());
    }
}

package io.wscluster.failover;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.wscluster.LocalNodes;
import io.wscluster.NodeFixture;
import io.wscluster.WsCluster;
import io.wscluster.cluster.NodeState;
import io.wscluster.testkit.TestClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** POST /admin/drain: no new connections, clients sent to another node in paced batches, then the node stops. */
class DrainIT {
    @RegisterExtension
    final NodeFixture fixture = new NodeFixture();
    private final LocalNodes nodes = fixture.cluster(b -> b.options(o -> o.history(h -> h.size(1000))
            .bus(bus -> bus.heartbeat(Duration.ofMillis(100))).drain(d -> d.batch(10).pace(Duration.ofMillis(50)))));
    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void aDrainedNodeSendsItsClientsToAnotherNodeInBatchesAndStops() throws Exception {
        WsCluster a = nodes.start("a");
        WsCluster b = nodes.start("b");
        List<TestClient> clients = new ArrayList<>();
        List<String> sessions = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            TestClient c = fixture.connect(a.url());
            sessions.add(c.next("welcome").path("session").asText());
            c.request(c.frame("subscribe").put("room", "news"));
            clients.add(c);
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> routedTo(a).equals("b")); // a knows b

        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(a.adminUrl() + "/admin/drain"))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(202);
        assertThat(r.body()).contains("draining");
        assertThat(http.send(HttpRequest.newBuilder(URI.create(a.httpUrl() + "/ready")).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(503);

        // Every client is told where to go (b, the only other node) and closed with 1012; then a stops.
        for (TestClient c : clients) {
            JsonNode reconnect = c.next("reconnect");
            assertThat(reconnect.path("reason").asText()).isEqualTo("drain");
            assertThat(reconnect.path("url").asText()).isEqualTo(b.url());
            assertThat(c.awaitClose(Duration.ofSeconds(10)).code()).isEqualTo(1012);
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> a.state() == NodeState.OFFLINE);

        // A client that follows its reconnect frame with its session gets its room back on b.
        TestClient publisher = fixture.connect(b.url());
        publisher.next("welcome");
        publisher.request(publisher.frame("publish").put("room", "news").put("data", "after"));
        TestClient back = fixture.connect(b.url() + "?session=" + sessions.get(7));
        assertThat(back.next("welcome").path("resumed").asBoolean()).isTrue();
        TreeSet<Long> offsets = new TreeSet<>();
        assertThat(back.next("subscribed").path("room").asText()).isEqualTo("news");
        offsets.add(back.next("message").path("offset").asLong());
        assertThat(offsets).containsExactly(1L);
    }

    @Test
    void behindAPublicUrlReconnectFramesPointThereWithTheNodeAsAHint() throws Exception {
        LocalNodes behind = fixture.cluster(b -> b.options(o -> o.bus(bus -> bus.heartbeat(Duration.ofMillis(100)))
                .transport(t -> t.publicUrl("wss://chat.example.com/ws"))));
        WsCluster a = behind.start("a");
        behind.start("b");
        TestClient c = fixture.connect(a.url());
        c.next("welcome");
        await().atMost(Duration.ofSeconds(5)).until(() -> routedTo(a).equals("b"));
        http.send(HttpRequest.newBuilder(URI.create(a.adminUrl() + "/admin/drain")).POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(c.next("reconnect").path("url").asText()).isEqualTo("wss://chat.example.com/ws?node=b");
    }

    private String routedTo(WsCluster via) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(via.adminUrl() + "/api/route")).build(),
                HttpResponse.BodyHandlers.ofString());
        return io.wscluster.codec.Encoding.JSON.mapper().readTree(r.body()).path("node").asText();
    }
}

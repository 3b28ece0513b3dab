package io.wscluster.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.wscluster.LocalNodes;
import io.wscluster.NodeFixture;
import io.wscluster.WsCluster;
import io.wscluster.codec.Encoding;
import io.wscluster.routing.Algorithm;
import io.wscluster.routing.Stickiness;
import io.wscluster.testkit.TestClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code GET /api/route} and the imbalance of {@code GET /api/cluster}, on three nodes of one embedded cluster. */
class RouteApiIT {
    @RegisterExtension
    final NodeFixture fixture = new NodeFixture();
    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void routesRoundRobinAndKeepsAUserOnItsNode() throws Exception {
        LocalNodes nodes = fixture.cluster(b -> b.options(o -> o.bus(bus -> bus.heartbeat(Duration.ofMillis(100)))
                .routing(r -> r.withAlgorithm(Algorithm.ROUND_ROBIN).withStickiness(Stickiness.USER))));
        for (String id : List.of("a", "b", "c")) {
            nodes.start(id);
        }
        WsCluster a = nodes.get(0);
        await().atMost(Duration.ofSeconds(5)).until(() -> routedNodes(a, 3).size() == 3);

        Map<String, Integer> counts = new HashMap<>();
        for (int i = 0; i < 30; i++) {
            JsonNode r = json(get(a, "/api/route"));
            counts.merge(r.path("node").asText(), 1, Integer::sum);
            assertThat(r.path("url").asText()).startsWith("ws://127.0.0.1:").endsWith("/ws");
        }
        assertThat(counts).containsEntry("a", 10).containsEntry("b", 10).containsEntry("c", 10);

        String alice = json(get(a, "/api/route?user=alice")).path("node").asText();
        for (int i = 0; i < 10; i++) {
            assertThat(json(get(nodes.get(i % 3), "/api/route?user=alice")).path("node").asText()).isEqualTo(alice);
        }

    }

    @Test
    void noNodeToGoToIs503WithRetryAfterAndTheClusterReportsImbalance() throws Exception {
        LocalNodes nodes = fixture.cluster(b -> b.options(o -> o.bus(bus -> bus.heartbeat(Duration.ofMillis(100))).capacity(2)));
        for (String id : List.of("a", "b")) {
            nodes.start(id);
        }
        WsCluster a = nodes.get(0);
        List<TestClient> clients = new ArrayList<>();
        try {
            for (int i = 0; i < 2; i++) {
                TestClient c = TestClient.connect(a.url());
                c.next("welcome");
                clients.add(c);
            }
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
                JsonNode imbalance = json(get(a, "/api/cluster")).path("imbalance");
                assertThat(imbalance.path("imbalanced").asBoolean()).isTrue();
                assertThat(imbalance.path("spread").asDouble()).isEqualTo(2.0);
                assertThat(imbalance.path("moves").get(0).toString()).isEqualTo("{\"from\":\"a\",\"to\":\"b\",\"connections\":1}");
            });
            for (int i = 0; i < 2; i++) {
                TestClient c = TestClient.connect(nodes.get(1).url());
                c.next("welcome");
                clients.add(c);
            }
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
                HttpResponse<String> r = get(a, "/api/route");
                assertThat(r.statusCode()).isEqualTo(503);
                assertThat(r.headers().firstValue("Retry-After")).hasValue("1");
                assertThat(json(r).path("error").path("code").asText()).isEqualTo("unavailable");
            });
            assertThat(a.registry().scrape()).contains("wsc_cluster_imbalance", "wsc_sticky_cache_hit_ratio");
        } finally {
            clients.forEach(TestClient::close);
        }
    }

    private List<String> routedNodes(WsCluster via, int n) throws Exception {
        List<String> seen = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String id = json(get(via, "/api/route")).path("node").asText();
            if (!seen.contains(id)) {
                seen.add(id);
            }
        }
        return seen;
    }

    private HttpResponse<String> get(WsCluster node, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(node.adminUrl() + path)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode json(HttpResponse<String> r) throws Exception {
        return Encoding.JSON.mapper().readTree(r.body());
    }
}

package io.wscluster.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.wscluster.LocalNodes;
import io.wscluster.NodeFixture;
import io.wscluster.WsCluster;
import io.wscluster.testkit.RawHttp;
import io.wscluster.testkit.TestClient;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A node's figure history, its alert rules firing and resolving, and both for a cluster of nodes. */
class MonitoringIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    final NodeFixture fixture = new NodeFixture();

    private LocalNodes cluster() {
        return fixture.cluster(b -> b.options(o -> o.metrics(m -> m.withResolution(Duration.ofMillis(200))
                .withInterval(Duration.ofMillis(100))
                .withRules(AlertRule.parseAll("default; crowded: connections >= 3 for 300ms critical")))));
    }

    @Test
    void aRuleFiresWhenItsConditionHoldsIsListedPublishedAndCountedAndResolves() throws Exception {
        WsCluster node = cluster().start("n1");
        try (TestClient watcher = TestClient.connect(node.adminUrl().replaceFirst("^http", "ws") + "/ws");
             TestClient client = TestClient.connect(node.url())) {
            watcher.next("welcome");
            watcher.request(watcher.frame("subscribe").put("room", Monitoring.ALERTS_ROOM));
            client.next("welcome");
            JsonNode refused = client.request(client.frame("subscribe").put("room", Monitoring.ALERTS_ROOM));
            assertThat(refused.path("code").asText()).as("a client of the public listener").isEqualTo("forbidden");
            TestClient third = TestClient.connect(node.url());
            JsonNode fired = watcher.next("message").path("data");
            assertThat(fired.path("alert").asText()).isEqualTo("crowded");
            assertThat(fired.path("state").asText()).isEqualTo("firing");
            assertThat(fired.path("node").asText()).isEqualTo("n1");
            assertThat(fired.path("value").asDouble()).isEqualTo(3);
            assertThat(fired.path("severity").asText()).isEqualTo("critical");

            JsonNode alerts = get(node, "/api/alerts");
            assertThat(alerts.path("firing")).extracting(f -> f.path("alert").asText()).containsExactly("crowded");
            assertThat(alerts.path("rules")).hasSize(6);
            assertThat(metric(node, "wsc_alerts_firing{severity=\"critical\"}")).isEqualTo(1);

            third.close();
            JsonNode resolved = watcher.next("message").path("data");
            assertThat(resolved.path("state").asText()).isEqualTo("resolved");
            assertThat(get(node, "/api/alerts").path("firing")).isEmpty();
            assertThat(get(node, "/api/alerts").path("recent")).extracting(f -> f.path("state").asText())
                    .containsExactly("resolved", "firing");
            assertThat(metric(node, "wsc_alert_transitions_total{alert=\"crowded\",state=\"firing\"}")).isEqualTo(1);
            assertThat(metric(node, "wsc_alert_transitions_total{alert=\"crowded\",state=\"resolved\"}")).isEqualTo(1);
            assertThat(metric(node, "wsc_alerts_firing{severity=\"critical\"}")).isZero();
        }
    }

    @Test
    void anOperatorsWebSocketGetsEveryNodesFreshFiguresLiveAndCannotPublish() throws Exception {
        LocalNodes nodes = cluster();
        WsCluster a = nodes.start("a");
        nodes.start("b");
        try (TestClient watcher = TestClient.connect(a.adminUrl().replaceFirst("^http", "ws") + "/ws")) {
            watcher.next("welcome");
            watcher.request(watcher.frame("subscribe").put("room", Monitoring.METRICS_ROOM));
            java.util.Set<String> seen = new java.util.HashSet<>();
            while (seen.size() < 2) {
                JsonNode live = watcher.next("message").path("data");
                assertThat(live.path("figures").has("p99_delivery_ms")).isTrue();
                seen.add(live.path("node").asText());
            }
            assertThat(seen).containsExactlyInAnyOrder("a", "b");
            JsonNode refused = watcher.request(watcher.frame("publish").put("room", Monitoring.ALERTS_ROOM).put("data", "fake"));
            assertThat(refused.path("code").asText()).isEqualTo("forbidden");
        }
    }

    @Test
    void aNodesHistoryHoldsItsFiguresAndTheClustersSumsItsNodes() throws Exception {
        LocalNodes nodes = cluster();
        WsCluster a = nodes.start("a");
        WsCluster b = nodes.start("b");
        try (TestClient onA = TestClient.connect(a.url()); TestClient onB1 = TestClient.connect(b.url());
             TestClient onB2 = TestClient.connect(b.url())) {
            await().atMost(Duration.ofSeconds(5)).until(() -> last(get(a, "/api/metrics/history?window=1m"), "connections") == 1
                    && last(get(b, "/api/metrics/history"), "connections") == 2);
            JsonNode own = get(a, "/api/metrics/history?window=1m");
            assertThat(own.path("scope").asText()).isEqualTo("node");
            assertThat(own.path("node").asText()).isEqualTo("a");
            assertThat(own.path("resolution_seconds").asDouble()).isEqualTo(0.2);
            assertThat(own.path("at").size()).isEqualTo(own.path("figures").path("p99_delivery_ms").size()).isPositive();
            assertThat(last(own, "redis_up")).isEqualTo(1);

            await().atMost(Duration.ofSeconds(5)).until(() -> last(get(a, "/api/metrics/history?scope=cluster&window=30s"), "connections") == 3);
            JsonNode cluster = get(a, "/api/metrics/history?scope=cluster&window=30s&nodes=true");
            assertThat(cluster.path("nodes")).extracting(JsonNode::asText).containsExactly("a", "b");
            assertThat(cluster.path("missing").size()).isZero();
            assertThat(cluster.path("by_node").path("b").path("node").asText()).isEqualTo("b");
            JsonNode alerts = get(b, "/api/alerts?scope=cluster");
            assertThat(alerts.path("scope").asText()).isEqualTo("cluster");
            assertThat(alerts.path("missing").size()).isZero();
        }
        assertThat(RawHttp.send(a.adminUrl(), "GET", "/api/metrics/history?scope=everywhere").status()).isEqualTo(400);
        assertThat(RawHttp.send(a.adminUrl(), "GET", "/api/metrics/history?window=soon").status()).isEqualTo(400);
    }

    private static double last(JsonNode history, String figure) {
        JsonNode column = history.path("figures").path(figure);
        return column.size() == 0 ? -1 : column.get(column.size() - 1).asDouble();
    }

    private static JsonNode get(WsCluster node, String target) throws Exception {
        RawHttp.Answer a = RawHttp.send(node.adminUrl(), "GET", target);
        assertThat(a.status()).as(a.body()).isEqualTo(200);
        return JSON.readTree(a.body());
    }

    private static double metric(WsCluster node, String sample) throws Exception {
        for (String line : RawHttp.send(node.adminUrl(), "GET", "/metrics").body().split("\n")) {
            if (line.startsWith(sample + " ")) {
                return Double.parseDouble(line.substring(sample.length() + 1).trim());
            }
        }
        return -1;
    }
}

package io.wscluster.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.wscluster.NodeFixture;
import io.wscluster.WsCluster;
import io.wscluster.testkit.MetricsDoc;
import io.wscluster.testkit.RawHttp;
import io.wscluster.testkit.TestClient;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A node's /metrics against known traffic, and docs/metrics.md against what a node exposes. */
class NodeMetricsIT {
    private static final int MESSAGES = 25;

    @RegisterExtension
    final NodeFixture fixture = new NodeFixture();

    @Test
    void theCountersCountTheTrafficAndTheLatenciesTheirMessages() throws Exception {
        WsCluster node = fixture.start(o -> o.security(s -> s.roomPublish(io.wscluster.security.RoomAccess.ANYONE)));
        TestClient a = TestClient.connect(node.url());
        TestClient b = TestClient.connect(node.url());
        TestClient publisher = TestClient.connect(node.url());
        for (TestClient c : new TestClient[] {a, b}) {
            c.next("welcome");
            c.request(c.frame("subscribe").put("room", "counted"));
        }
        publisher.next("welcome");
        for (int i = 0; i < MESSAGES; i++) {
            publisher.request(publisher.frame("publish").put("room", "counted").put("data", i));
        }
        publisher.request(publisher.frame("publish").put("room", "counted").put("data", "urgent").put("priority", "high"));
        for (int i = 0; i <= MESSAGES; i++) {
            a.next("message");
            b.next("message");
        }
        a.close();
        await().atMost(Duration.ofSeconds(5)).until(() -> value(scrape(node), "wsc_connections") == 2);

        String metrics = scrape(node);
        assertThat(value(metrics, "wsc_connections_opened_total")).isEqualTo(3);
        assertThat(value(metrics, "wsc_connections_closed_total{reason=\"client\"}")).isEqualTo(1);
        assertThat(value(metrics, "wsc_messages_published_total")).isEqualTo(MESSAGES + 1);
        assertThat(value(metrics, "wsc_messages_in_total{kind=\"publish\",priority=\"normal\"}")).isEqualTo(MESSAGES);
        assertThat(value(metrics, "wsc_messages_in_total{kind=\"publish\",priority=\"high\"}")).isEqualTo(1);
        assertThat(value(metrics, "wsc_messages_in_total{kind=\"subscribe\",priority=\"none\"}")).isEqualTo(2);
        assertThat(value(metrics, "wsc_messages_out_total{kind=\"room\",priority=\"normal\"}")).as("two subscribers")
                .isEqualTo(2 * MESSAGES);
        assertThat(value(metrics, "wsc_messages_out_total{kind=\"room\",priority=\"high\"}")).isEqualTo(2);
        assertThat(value(metrics, "wsc_messages_out_total{kind=\"user\",priority=\"normal\"}")).isZero();
        // Each publish frame is over 40 bytes; each of the 2 * 26 message frames over 60, with the welcomes and acks besides.
        assertThat(value(metrics, "wsc_bytes_in_total")).isGreaterThan(40.0 * MESSAGES);
        assertThat(value(metrics, "wsc_bytes_out_total")).isGreaterThan(60.0 * 2 * MESSAGES);
        assertThat(value(metrics, "wsc_publish_latency_seconds_count")).isEqualTo(MESSAGES + 1);
        assertThat(value(metrics, "wsc_delivery_latency_seconds_count")).as("once per message and event loop")
                .isBetween(MESSAGES + 1.0, 2.0 * (MESSAGES + 1));
        assertThat(value(metrics, "wsc_delivery_latency_seconds{quantile=\"0.99\"}")).isPositive().isLessThan(5);
        assertThat(metrics).containsPattern("(?m)^wsc_build\\{java=\"[^\"]+\",version=\"[^\"]+\"} 1\\.0$");
        assertThat(metrics).contains("jvm_threads_live_threads", "jvm_memory_used_bytes", "process_files_open_files",
                "wsc_netty_direct_memory_bytes");
        assertThat(value(metrics, "wsc_autoscale_desired_nodes")).as("one quiet node").isEqualTo(1);
        assertThat(value(metrics, "wsc_redis_up")).as("the embedded registry answers").isEqualTo(1);
        assertThat(value(metrics, "wsc_failovers_running")).isZero();
        assertThat(value(metrics, "wsc_node_utilisation")).isBetween(0.0, 1.0);
        com.fasterxml.jackson.databind.JsonNode cluster = new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(RawHttp.send(node.adminUrl(), "GET", "/api/cluster").body());
        assertThat(cluster.path("autoscaling").path("desired_nodes").asInt()).isEqualTo(1);
        assertThat(cluster.path("autoscaling").path("scale_up_threshold").asDouble()).isEqualTo(0.8);
        b.close();
        publisher.close();
    }

    @Test
    void everyMetricANodeExposesIsDocumented() throws Exception {
        WsCluster node = fixture.start();
        assertThat(MetricsDoc.undocumented(scrape(node))).as("in /metrics but not in docs/metrics.md").isEmpty();
    }

    private static String scrape(WsCluster node) throws Exception {
        RawHttp.Answer a = RawHttp.send(node.adminUrl(), "GET", "/metrics");
        assertThat(a.status()).isEqualTo(200);
        return a.body();
    }

    /** The value of the sample {@code name} (with its labels, as exposed), or -1 when absent. */
    private static double value(String metrics, String name) {
        for (String line : metrics.split("\n")) {
            if (line.startsWith(name + " ")) {
                return Double.parseDouble(line.substring(name.length() + 1).trim());
            }
        }
        return -1;
    }
}

package io.wscluster.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.wscluster.LocalNodes;
import io.wscluster.testkit.SharedRedis;
import io.wscluster.testkit.TestClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A gateway and two nodes on one Redis (200 ms heartbeats, a lease of 600 ms): when Redis restarts
 * empty or freezes for several leases, every node's record lapses at once, and the gateway keeps
 * the clients it relays instead of taking every node for gone.
 */
class GatewayRedisFaultsIT {
    private static final Duration HEARTBEAT = Duration.ofMillis(200);

    @RegisterExtension
    static final SharedRedis redis = new SharedRedis();

    private final String cluster = SharedRedis.namespace();
    private final LocalNodes nodes = LocalNodes.builder()
            .options(o -> o.bus(b -> b.redisUrl(redis.url()).cluster(cluster).heartbeat(HEARTBEAT))).idPrefix("n").build();
    private final List<TestClient> clients = new ArrayList<>();
    private Gateway gateway;

    @BeforeEach
    void start() throws Exception {
        nodes.start(2);
        gateway = Gateway.start(GatewayOptions.builder().host("127.0.0.1").port(0).heartbeat(HEARTBEAT)
                .redisUrl(redis.url()).cluster(cluster).build());
        Thread.sleep(1_000); // the gateway's directory lists both
        for (int i = 0; i < 4; i++) {
            TestClient c = TestClient.connect(TestClient.options(gateway.url()));
            c.next("welcome");
            clients.add(c);
        }
    }

    @AfterEach
    void stop() {
        clients.forEach(TestClient::close);
        gateway.close();
        nodes.close();
    }

    @Test
    void aRedisRestartedEmptyClosesNoRelayedClient() throws Exception {
        redis.server().restart();
        everyClientStays();
    }

    @Test
    void aRedisFrozenForSeveralLeasesClosesNoRelayedClient() throws Exception {
        redis.server().pause();
        Thread.sleep(2_500);
        redis.server().resume();
        everyClientStays();
    }

    @Test
    void everyMetricOfTheGatewayAndOfANodeOnRedisIsDocumented() throws Exception {
        io.wscluster.testkit.RawHttp.Answer gatewayMetrics = io.wscluster.testkit.RawHttp.send(gateway.httpUrl(), "GET", "/metrics");
        io.wscluster.testkit.RawHttp.Answer nodeMetrics = io.wscluster.testkit.RawHttp.send(nodes.get(0).adminUrl(), "GET", "/metrics");
        assertThat(nodeMetrics.body()).contains("lettuce_command_completion_seconds", "wsc_redis_connection_events_total");
        assertThat(io.wscluster.testkit.MetricsDoc.undocumented(gatewayMetrics.body())).as("the gateway's, not in docs/metrics.md").isEmpty();
        assertThat(io.wscluster.testkit.MetricsDoc.undocumented(nodeMetrics.body())).as("a node's, not in docs/metrics.md").isEmpty();
    }

    @Test
    void whileRedisIsDownTheClusterViewIsTheLastOneMarkedStale() throws Exception {
        assertThat(cluster().path("stale").asBoolean(true)).isFalse();
        redis.server().stop();
        try {
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> cluster().path("stale").asBoolean());
            com.fasterxml.jackson.databind.JsonNode stale = cluster();
            assertThat(stale.path("nodes")).as(stale.toString()).hasSize(2);
            assertThat(stale.path("as_of").asLong()).isPositive();
            assertThat(stale.path("error").asText()).startsWith("cannot read the cluster's membership: ");
        } finally {
            redis.server().restart();
        }
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> !cluster().path("stale").asBoolean(true));
    }

    private com.fasterxml.jackson.databind.JsonNode cluster() throws Exception {
        io.wscluster.testkit.RawHttp.Answer a = io.wscluster.testkit.RawHttp.send(gateway.httpUrl(), "GET", "/api/cluster");
        assertThat(a.status()).isEqualTo(200);
        return new com.fasterxml.jackson.databind.ObjectMapper().readTree(a.body());
    }

    private void everyClientStays() throws Exception {
        Thread.sleep(3_000); // five leases
        for (TestClient c : clients) {
            assertThat(c.isOpen()).as("a client of a healthy node, through the gateway").isTrue();
            assertThat(c.request(c.frame("ping")).path("op").asText()).isEqualTo("pong");
        }
        var closes = gateway.registry().find("wsc_gateway_failover_closes").counter();
        assertThat(closes == null ? 0 : closes.count()).isZero();
    }
}

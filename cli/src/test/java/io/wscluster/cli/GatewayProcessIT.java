package io.wscluster.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.wscluster.gateway.Gateway;
import io.wscluster.gateway.GatewayOptions;
import io.wscluster.routing.Algorithm;
import io.wscluster.routing.RoutingOptions;
import io.wscluster.routing.Stickiness;
import io.wscluster.testkit.RedisServer;
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
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A gateway on Redis in front of three `wsc node` processes: a node killed with SIGKILL, or
 * frozen with SIGSTOP, has its clients closed with 1012, and they reconnect through the gateway
 * onto the nodes that are left.
 */
class GatewayProcessIT {
    private static final Duration HEARTBEAT = Duration.ofMillis(200);

    private final NodeProcesses nodes = new NodeProcesses();
    private final List<TestClient> clients = new ArrayList<>();
    private RedisServer redis;
    private Gateway gateway;
    private String cluster;

    @BeforeEach
    void start() throws Exception {
        redis = RedisServer.start();
        cluster = "g" + System.nanoTime();
        for (int i = 1; i <= 3; i++) {
            nodes.start("n" + i, "--redis", redis.url(), "--cluster", cluster, "--heartbeat", "200ms");
        }
        gateway = Gateway.start(new GatewayOptions("127.0.0.1", 0, redis.url(), cluster, HEARTBEAT,
                RoutingOptions.DEFAULT.withAlgorithm(Algorithm.ROUND_ROBIN).withStickiness(Stickiness.NONE), 1, Duration.ofSeconds(2)));
        HttpClient http = HttpClient.newHttpClient();
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(gateway.httpUrl() + "/api/cluster")).build(),
                    HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 && r.body().contains("\"n1\"") && r.body().contains("\"n2\"") && r.body().contains("\"n3\"");
        });
        Thread.sleep(2 * HEARTBEAT.toMillis()); // the gateway's own view catches up within a heartbeat
    }

    @AfterEach
    void stop() {
        clients.forEach(TestClient::close);
        if (gateway != null) {
            gateway.close();
        }
        nodes.close();
        if (redis != null) {
            redis.stop();
        }
    }

    @Test
    void aKilledNodesClientsAreClosedWith1012AndReconnectElsewhere() throws Exception {
        Map<String, List<TestClient>> byNode = open(30);
        assertThat(byNode).containsOnlyKeys("n1", "n2", "n3");
        assertThat(byNode.get("n1")).hasSize(10);

        nodes.get(0).destroyForcibly(); // SIGKILL: n1's sockets close at once, with no close frame
        nodes.get(0).waitFor(10, TimeUnit.SECONDS);

        assertClosedWith1012AndLandElsewhere(byNode.get("n1"), "n1");
    }

    @Test
    void aFrozenNodesClientsAreClosedWith1012OnceMembershipDropsIt() throws Exception {
        Map<String, List<TestClient>> byNode = open(30);

        nodes.signal(1, "STOP"); // n2 hangs: its sockets stay open, its heartbeats stop

        assertClosedWith1012AndLandElsewhere(byNode.get("n2"), "n2");
        nodes.signal(1, "CONT");
    }

    @Test
    void twoGatewaysSideBySideShareTheStickyRegistry() throws Exception {
        RoutingOptions bySession = RoutingOptions.DEFAULT.withAlgorithm(Algorithm.RANDOM).withStickiness(Stickiness.SESSION);
        try (Gateway one = Gateway.start(new GatewayOptions("127.0.0.1", 0, redis.url(), cluster, HEARTBEAT, bySession, 1,
                Duration.ofSeconds(2)));
             Gateway two = Gateway.start(new GatewayOptions("127.0.0.1", 0, redis.url(), cluster, HEARTBEAT, bySession, 1,
                     Duration.ofSeconds(2)))) {
            for (int s = 0; s < 10; s++) {
                String node;
                try (TestClient first = TestClient.connect(one.url() + "?session=shared-" + s)) {
                    node = first.next("welcome").path("node").asText();
                }
                for (Gateway g : List.of(two, one, two)) { // random placement, yet every reconnect lands on its node
                    try (TestClient again = TestClient.connect(g.url() + "?session=shared-" + s)) {
                        assertThat(again.next("welcome").path("node").asText()).isEqualTo(node);
                    }
                }
            }
        }
    }

    private void assertClosedWith1012AndLandElsewhere(List<TestClient> lost, String deadNode) throws Exception {
        for (TestClient c : lost) {
            // Failure detection: three heartbeats of 200 ms, re-read every heartbeat; slack for a busy machine.
            assertThat(c.awaitClose(Duration.ofSeconds(10)).code()).isEqualTo(1012);
        }
        for (int i = 0; i < lost.size(); i++) {
            TestClient again = TestClient.connect(gateway.url());
            clients.add(again);
            assertThat(again.next("welcome").path("node").asText()).isNotEqualTo(deadNode);
        }
    }

    /** Opens {@code n} connections through the gateway and groups them by the node of their welcome. */
    private Map<String, List<TestClient>> open(int n) throws Exception {
        Map<String, List<TestClient>> byNode = new HashMap<>();
        for (int i = 0; i < n; i++) {
            TestClient c = TestClient.connect(gateway.url());
            clients.add(c);
            byNode.computeIfAbsent(c.next("welcome").path("node").asText(), k -> new ArrayList<>()).add(c);
        }
        return byNode;
    }
}

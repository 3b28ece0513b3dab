package io.wscluster.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.wscluster.client.ClientOptions;
import io.wscluster.client.ClientState;
import io.wscluster.client.WscClient;
import io.wscluster.protocol.Backoff;
import io.wscluster.gateway.Gateway;
import io.wscluster.gateway.GatewayOptions;
import io.wscluster.routing.Algorithm;
import io.wscluster.routing.RoutingOptions;
import io.wscluster.routing.Stickiness;
import io.wscluster.testkit.SharedRedis;
import io.wscluster.testkit.SessionIdsForTests;
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
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A gateway on Redis in front of three `wsc node` processes: a node killed with SIGKILL, or
 * frozen with SIGSTOP, has its clients closed with 1012, and they reconnect through the gateway
 * onto the nodes that are left.
 */
class GatewayProcessIT {
    private static final Duration HEARTBEAT = Duration.ofMillis(200);

    @RegisterExtension
    static final SharedRedis redis = new SharedRedis();

    private final NodeProcesses nodes = new NodeProcesses();
    private final List<TestClient> clients = new ArrayList<>();
    private Gateway gateway;
    private String cluster;

    @BeforeEach
    void start() throws Exception {
        cluster = SharedRedis.namespace();
        for (int i = 1; i <= 3; i++) {
            nodes.start("n" + i, "--redis", redis.url(), "--cluster", cluster, "--heartbeat", "200ms");
        }
        gateway = Gateway.start(options(RoutingOptions.DEFAULT.withAlgorithm(Algorithm.ROUND_ROBIN).withStickiness(Stickiness.NONE)));
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
    }

    @Test
    void aKilledNodesClientsAreClosedWith1012AndReconnectElsewhere() throws Exception {
        Map<String, List<TestClient>> byNode = open(30);
        assertThat(byNode).containsOnlyKeys("n1", "n2", "n3");
        assertThat(byNode.get("n1")).hasSize(10);

        nodes.get(0).destroyForcibly(); // SIGKILL: n1's sockets close at once, with no close frame
        nodes.get(0).waitFor(10, TimeUnit.SECONDS);

        assertClosedWith1012AndLandElsewhere(byNode.get("n1"), "n1");
        assertThat(gateway.registry().get("wsc_gateway_failover_closes").counter().count())
                .as("each client closed because its node was lost, counted once").isEqualTo(10.0);
    }

    @Test
    void aFrozenNodesClientsAreClosedWith1012OnceMembershipDropsIt() throws Exception {
        Map<String, List<TestClient>> byNode = open(30);
        ch.qos.logback.classic.Logger coreLog = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger("io.wscluster.gateway.GatewayCore");
        ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> logged = new ch.qos.logback.core.read.ListAppender<>();
        logged.start();
        coreLog.addAppender(logged);
        try {
            nodes.signal(1, "STOP"); // n2 hangs: its sockets stay open, its heartbeats stop

            assertClosedWith1012AndLandElsewhere(byNode.get("n2"), "n2");
            nodes.signal(1, "CONT");
            assertThat(logged.list).as("the gateway says it lost the node").anyMatch(e -> e.getLevel() == ch.qos.logback.classic.Level.WARN
                    && e.getFormattedMessage().startsWith("node n2 is gone from the cluster: 10 of its client connections closed"));
        } finally {
            coreLog.detachAppender(logged);
        }
    }

    @Test
    void twoGatewaysSideBySideShareTheStickyRegistry() throws Exception {
        RoutingOptions bySession = RoutingOptions.DEFAULT.withAlgorithm(Algorithm.RANDOM).withStickiness(Stickiness.SESSION);
        try (Gateway one = Gateway.start(options(bySession));
             Gateway two = Gateway.start(options(bySession))) {
            for (int s = 0; s < 10; s++) {
                String node;
                String session = SessionIdsForTests.issuedBy(one.url());
                try (TestClient first = TestClient.connect(one.url() + "?session=" + session)) {
                    node = first.next("welcome").path("node").asText();
                }
                for (Gateway g : List.of(two, one, two)) { // random placement, yet every reconnect lands on its node
                    try (TestClient again = TestClient.connect(g.url() + "?session=" + session)) {
                        assertThat(again.next("welcome").path("node").asText()).isEqualTo(node);
                    }
                }
            }
        }
    }

    @Test
    void sdkClientsBehindTwoGatewaysLoseNothingWhenANodeDies() throws Exception {
        RoutingOptions spread = RoutingOptions.DEFAULT.withAlgorithm(Algorithm.ROUND_ROBIN).withStickiness(Stickiness.NONE);
        try (Gateway second = Gateway.start(options(spread))) {
            Thread.sleep(2 * HEARTBEAT.toMillis());
            List<WscClient> sdk = new ArrayList<>();
            List<List<Long>> seen = new ArrayList<>();
            try {
                for (int i = 0; i < 60; i++) {
                    List<String> order = i % 2 == 0 ? List.of(gateway.url(), second.url()) : List.of(second.url(), gateway.url());
                    WscClient c = WscClient.connect(ClientOptions.of(order.toArray(String[]::new))
                            .withBackoff(new Backoff(Duration.ofMillis(50), Duration.ofSeconds(1), 2)));
                    List<Long> offsets = new CopyOnWriteArrayList<>();
                    c.subscribe("stream", m -> offsets.add(m.offset()));
                    sdk.add(c);
                    seen.add(offsets);
                }
                await().atMost(Duration.ofSeconds(30)).until(() -> sdk.stream().allMatch(c -> c.state() == ClientState.CONNECTED));
                Thread.sleep(500);
                assertThat(sdk.stream().map(WscClient::node).distinct()).containsExactlyInAnyOrder("n1", "n2", "n3");
                WscClient publisher = WscClient.connect(ClientOptions.of(gateway.url(), second.url()));
                sdk.add(publisher);
                publisher.connected().toCompletableFuture().get(10, TimeUnit.SECONDS);
                java.util.Set<Long> acked = java.util.concurrent.ConcurrentHashMap.newKeySet();
                for (int m = 0; m < 300; m++) {
                    if (m == 100) {
                        nodes.get(0).destroyForcibly(); // the gateways close n1's clients with 1012; they come back through them
                    }
                    publisher.publish("stream", m).whenComplete((o, e) -> {
                        if (e == null) {
                            acked.add(o);
                        }
                    });
                    Thread.sleep(5);
                }
                Thread.sleep(300);
                long last = acked.stream().mapToLong(Long::longValue).max().orElseThrow();
                await().atMost(Duration.ofSeconds(30)).until(() -> seen.stream().allMatch(s -> !s.isEmpty() && s.get(s.size() - 1) >= last));
                for (List<Long> s : seen) {
                    List<Long> expected = new ArrayList<>();
                    for (long o = s.get(0); o <= s.get(s.size() - 1); o++) {
                        expected.add(o);
                    }
                    assertThat(s).as("every offset once, in order").containsExactlyElementsOf(expected);
                    assertThat(s.get(0)).isEqualTo(1L);
                }
                assertThat(sdk.stream().map(WscClient::node)).doesNotContain("n1");
            } finally {
                sdk.forEach(WscClient::close);
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

    /** A gateway on a free loopback port in front of this test's cluster. */
    private GatewayOptions options(RoutingOptions routing) {
        return GatewayOptions.builder().host("127.0.0.1").port(0).redisUrl(redis.url()).cluster(cluster).heartbeat(HEARTBEAT)
                .routing(any -> routing).ioThreads(1).build();
    }
}

package io.wscluster.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.wscluster.LocalNodes;
import io.wscluster.WsCluster;
import io.wscluster.cluster.NodeState;
import io.wscluster.protocol.Encoding;
import io.wscluster.routing.Algorithm;
import io.wscluster.routing.RoutingOptions;
import io.wscluster.routing.Stickiness;
import io.wscluster.security.RoomAccess;
import io.wscluster.security.SecurityOptions;
import io.wscluster.testkit.RawHttp;
import io.wscluster.testkit.SessionIdsForTests;
import io.wscluster.testkit.TestClient;
import io.wscluster.testkit.Tokens;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The gateway in front of nodes of one embedded cluster, all in this JVM, with real WebSocket clients. */
class GatewayIT {
    private static final Duration HEARTBEAT = Duration.ofMillis(100);

    private final LocalNodes nodes = LocalNodes.builder().options(o -> o.security(s -> s.roomPublish(RoomAccess.ANYONE).clientPublishRate(0).clientPublishBytes(0)).bus(bus -> bus.heartbeat(HEARTBEAT)).transport(t -> t.page(true)))
            .build();
    private final List<TestClient> clients = new ArrayList<>();
    private final HttpClient http = HttpClient.newHttpClient();
    private Gateway gateway;

    @AfterEach
    void stop() {
        clients.forEach(TestClient::close);
        if (gateway != null) {
            gateway.close();
        }
        nodes.close();
    }

    @Test
    void threeHundredConnectionsLandRoundRobinAndANewNodeJoinsWithoutARestart() throws Exception {
        startNodes("a", "b", "c");
        gateway = gateway(RoutingOptions.DEFAULT.withAlgorithm(Algorithm.ROUND_ROBIN).withStickiness(Stickiness.NONE));

        Map<String, Integer> landed = connect(300);
        assertThat(landed).containsEntry("a", 100).containsEntry("b", 100).containsEntry("c", 100);

        startNodes("d");
        await().atMost(Duration.ofSeconds(5)).until(() -> connect(4).containsKey("d"));
        assertThat(connect(40)).containsOnlyKeys("a", "b", "c", "d").containsEntry("d", 10);
    }

    @Test
    void leastConnectionsFillsTheEmptiestNodeAndUsersStayOnTheirNode() throws Exception {
        startNodes("a", "b");
        gateway = gateway(RoutingOptions.DEFAULT.withAlgorithm(Algorithm.LEAST_CONNECTIONS).withStickiness(Stickiness.SESSION));
        for (int i = 0; i < 20; i++) {
            clients.add(open(nodes.get(0).url())); // straight to a: a is fuller
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> json(get("/api/route")).path("node").asText().equals("b"));
        assertThat(connect(20)).containsEntry("b", 20);

        String session = SessionIdsForTests.next();
        TestClient first = open(gateway.url() + "?session=" + session);
        String node = first.next("welcome").path("node").asText();
        for (int i = 0; i < 5; i++) { // reconnects with its session land on its node
            try (TestClient again = TestClient.connect(gateway.url() + "?session=" + session)) {
                assertThat(again.next("welcome").path("node").asText()).isEqualTo(node);
            }
        }
        first.close();
    }

    @Test
    void messagesCrossTheGatewayBothWaysAndItsEndpointsAnswer() throws Exception {
        startNodes("a", "b");
        gateway = gateway(RoutingOptions.DEFAULT.withAlgorithm(Algorithm.ROUND_ROBIN));
        TestClient one = open(gateway.url());
        TestClient two = open(gateway.url());
        JsonNode w1 = one.next("welcome");
        JsonNode w2 = two.next("welcome");
        assertThat(w1.path("node").asText()).isNotEqualTo(w2.path("node").asText());
        two.request(two.frame("subscribe").put("room", "lobby"));
        // A payload over 64 KiB/2 spans several reads and frames of the relay.
        String big = "x".repeat(40_000);
        one.request(one.frame("publish").put("room", "lobby").put("data", big));
        assertThat(two.next("message").path("data").asText()).isEqualTo(big);

        assertThat(get("/health").statusCode()).isEqualTo(200);
        assertThat(get("/ready").statusCode()).isEqualTo(200);
        assertThat(json(get("/api/route")).path("node").asText()).isIn("a", "b");
        String metrics = get("/metrics").body();
        assertThat(metrics).contains("wsc_gateway_connections 2.0", "wsc_gateway_connections_relayed_total 2.0",
                "wsc_gateway_bytes_to_clients_bytes_total");
        // The gateway lists the cluster itself; pages come from a node (its page is on).
        assertThat(json(get("/api/cluster")).path("nodes")).extracting(n -> n.path("id").asText()).containsExactly("a", "b");
        assertThat(get("/").body()).contains("wscluster demo");
        assertThat(get("/nope").statusCode()).isEqualTo(404);
    }

    @Test
    void operatorPathsAreNeverForwardedInAnySpellingAndRouteLookupsWriteNothing() throws Exception {
        startNodes("a");
        gateway = gateway(RoutingOptions.DEFAULT.withStickiness(Stickiness.USER));
        for (String path : List.of("/admin/drain", "/admin%2Fdrain", "/%61dmin/drain", "/./admin/drain", "/ws/../admin/drain",
                "//admin/drain", "/x/../admin/drain", "/api/publish", "/api/send", "/api/broadcast", "/api/failovers", "/api/%2e%2e/admin/drain")) {
            assertThat(RawHttp.send(gateway.httpUrl(), "POST", path).status()).as("POST %s through the gateway", path).isIn(400, 404, 405);
        }
        assertThat(nodes.get(0).state()).as("nothing reached the node's drain").isEqualTo(NodeState.ACTIVE);
        assertThat(json(get("/api/route?user=mallory")).path("node").asText()).isEqualTo("a");
        assertThat(nodes.embedded().sticky().lookup("u:mallory").toCompletableFuture().get()).as("a lookup writes no mapping").isNull();
    }

    @Test
    void aSilentOrTricklingClientIsCutOffByTheGatewaysRequestTimeout() throws Exception {
        startNodes("a");
        gateway = Gateway.start(GatewayOptions.builder().host("127.0.0.1").port(0).heartbeat(HEARTBEAT)
                .requestTimeout(Duration.ofMillis(500)).build(), nodes.embedded().membership(), nodes.embedded().sticky());
        int port = URI.create(gateway.httpUrl()).getPort();
        try (java.net.Socket silent = new java.net.Socket(java.net.InetAddress.getLoopbackAddress(), port)) {
            silent.setSoTimeout(3000);
            silent.getOutputStream().write("GET /health HTTP/1.1\r\nHost: x\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            long start = System.nanoTime();
            assertThat(silent.getInputStream().read()).as("closed without an answer").isEqualTo(-1);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
        }
        TestClient c = TestClient.connect(gateway.url());
        clients.add(c);
        Thread.sleep(1200);
        assertThat(c.request(c.frame("ping")).path("op").asText()).as("relayed connections are not cut").isEqualTo("pong");
    }

    @Test
    void theGatewaysMetricsNeedItsKeyOnceOneIsSet() throws Exception {
        startNodes("a");
        gateway = Gateway.start(GatewayOptions.builder().host("127.0.0.1").port(0).heartbeat(HEARTBEAT).apiKey("metrics-key").build(),
                nodes.embedded().membership(), nodes.embedded().sticky());
        URI metrics = URI.create(gateway.httpUrl() + "/metrics");
        assertThat(http.send(HttpRequest.newBuilder(metrics).build(), HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(401);
        assertThat(http.send(HttpRequest.newBuilder(metrics).header("Authorization", "Bearer wrong").build(),
                HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(401);
        HttpResponse<String> ok = http.send(HttpRequest.newBuilder(metrics).header("Authorization", "Bearer metrics-key").build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(ok.body()).contains("wsc_gateway");
    }

    @Test
    void aNodeHintFromAReconnectFrameIsHonouredWhenThatNodeTakesConnections() throws Exception {
        startNodes("a", "b");
        gateway = gateway(RoutingOptions.DEFAULT.withAlgorithm(Algorithm.ROUND_ROBIN).withStickiness(Stickiness.NONE));
        for (int i = 0; i < 4; i++) {
            TestClient c = TestClient.connect(gateway.url() + "?node=b");
            clients.add(c);
            assertThat(c.next("welcome").path("node").asText()).isEqualTo("b");
        }
        TestClient unknown = TestClient.connect(gateway.url() + "?node=nowhere");
        clients.add(unknown);
        assertThat(unknown.next("welcome").path("node").asText()).isIn("a", "b");
    }

    @Test
    void theGatewayPlacesByAUserOnlyOnceItHasVerifiedTheToken() throws Exception {
        startNodes("a", "b");
        RoutingOptions byUser = RoutingOptions.DEFAULT.withStickiness(Stickiness.USER);
        gateway = Gateway.start(GatewayOptions.builder().host("127.0.0.1").port(0).heartbeat(HEARTBEAT).routing(any -> byUser)
                .tokens(SecurityOptions.builder().jwtSecret("gateway-secret").build()).build(), nodes.embedded().membership(), nodes.embedded().sticky());
        TestClient.Refused forged = catchThrowableOfType(TestClient.Refused.class,
                () -> TestClient.connect(TestClient.options(gateway.url()).withBearer(Tokens.hs256("guessed-secret", "alice"))));
        assertThat(forged.status()).isEqualTo(401);
        assertThat(nodes.embedded().sticky().lookup("u:alice").toCompletableFuture().get()).as("no mapping for a forged user").isNull();
        gateway.close();

        gateway = gateway(byUser); // no secret: tokens place nobody
        try {
            TestClient.connect(TestClient.options(gateway.url()).withBearer(Tokens.hs256("guessed-secret", "alice"))).close();
        } catch (TestClient.Refused refusedByTheNode) {
            assertThat(refusedByTheNode.status()).isEqualTo(401);
        }
        assertThat(nodes.embedded().sticky().lookup("u:alice").toCompletableFuture().get()).isNull();
    }

    @Test
    void withNoNodeToGoToAnUpgradeIs503WithRetryAfter() throws Exception {
        gateway = gateway(RoutingOptions.DEFAULT);
        TestClient.Refused refused = catchThrowableOfType(TestClient.Refused.class,
                () -> TestClient.connect(gateway.url()));
        assertThat(refused.status()).isEqualTo(503);
        assertThat(refused.body()).contains("\"code\":\"unavailable\"", "no node is known");
        HttpResponse<String> ready = get("/ready");
        assertThat(ready.statusCode()).isEqualTo(503);
        HttpResponse<String> route = get("/api/route");
        assertThat(route.statusCode()).isEqualTo(503);
        assertThat(route.headers().firstValue("Retry-After")).isPresent();
    }

    @Test
    void aNodeThatLeavesMembershipHasItsClientsClosedWith1012() throws Exception {
        startNodes("a", "b");
        gateway = gateway(RoutingOptions.DEFAULT.withAlgorithm(Algorithm.ROUND_ROBIN).withStickiness(Stickiness.NONE));
        TestClient onA = null;
        while (onA == null) {
            TestClient c = open(gateway.url());
            if (c.next("welcome").path("node").asText().equals("a")) {
                onA = c;
            }
        }
        // The node's own goodbye (reconnect + 1001) is relayed as it is when the node stops in good order.
        nodes.get(0).stop();
        JsonNode reconnect = onA.next("reconnect");
        assertThat(reconnect.path("reason").asText()).isEqualTo("shutdown");
        assertThat(onA.awaitClose(Duration.ofSeconds(10)).code()).isEqualTo(1001);
        TestClient after = open(gateway.url());
        assertThat(after.next("welcome").path("node").asText()).isEqualTo("b");
    }

    @Test
    void anUpgradeANodeRefusesForLoadGoesToAnotherNode() throws Exception {
        try (LocalNodes full = LocalNodes.builder().options(o -> o.bus(bus -> bus.heartbeat(HEARTBEAT)).transport(t -> t.maxConnections(2)))
                .build()) {
            List<WsCluster> two = List.of(full.start("a"), full.start("b"));
            gateway = gateway(full, RoutingOptions.DEFAULT.withAlgorithm(Algorithm.ROUND_ROBIN).withStickiness(Stickiness.NONE));
            open(two.get(0).url());
            open(two.get(0).url()); // a is at its limit; round robin still sends every other upgrade there
            Map<String, Integer> landed = connect(2);
            assertThat(landed).as("both on b, one after a refused it").containsOnlyKeys("b").containsEntry("b", 2);
            assertThat(gateway.registry().find("wsc_gateway_node_sheds").counter().count()).isGreaterThanOrEqualTo(1.0);

            TestClient.Refused refused = catchThrowableOfType(TestClient.Refused.class,
                    () -> open(gateway.url()));
            assertThat(refused).as("every node full").isNotNull();
            assertThat(refused.status()).isEqualTo(503);
        }
    }

    private Gateway gateway(RoutingOptions routing) throws InterruptedException {
        return gateway(nodes, routing);
    }

    private Gateway gateway(LocalNodes of, RoutingOptions routing) throws InterruptedException {
        GatewayOptions options = GatewayOptions.builder().host("127.0.0.1").port(0).heartbeat(HEARTBEAT).routing(any -> routing).build();
        return Gateway.start(options, of.embedded().membership(), of.embedded().sticky());
    }

    private void startNodes(String... ids) {
        for (String id : ids) {
            nodes.start(id);
        }
    }

    /** Opens {@code n} connections through the gateway (kept open) and counts where they landed. */
    private Map<String, Integer> connect(int n) throws Exception {
        Map<String, Integer> landed = new HashMap<>();
        for (int i = 0; i < n; i++) {
            TestClient c = open(gateway.url());
            landed.merge(c.next("welcome").path("node").asText(), 1, Integer::sum);
        }
        return landed;
    }

    private TestClient open(String url) throws Exception {
        TestClient c = TestClient.connect(url);
        clients.add(c);
        return c;
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(gateway.httpUrl() + path)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode json(HttpResponse<String> r) throws Exception {
        return Encoding.JSON.mapper().readTree(r.body());
    }
}

package io.wscluster.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.wscluster.LocalNodes;
import io.wscluster.WsCluster;
import io.wscluster.cluster.NodeState;
import io.wscluster.codec.Encoding;
import io.wscluster.routing.Algorithm;
import io.wscluster.routing.RoutingOptions;
import io.wscluster.routing.Stickiness;
import io.wscluster.security.AddressLimits;
import io.wscluster.security.ConnectionLimiter;
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
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
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

        String session = SessionIdsForTests.issuedBy(nodes.get(0).url());
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
                "wsc_gateway_bytes_to_clients_total");
        // The gateway lists the cluster itself; pages come from a node (its page is on).
        assertThat(json(get("/api/cluster")).path("nodes")).extracting(n -> n.path("id").asText()).containsExactly("a", "b");
        assertThat(get("/").body()).contains("wscluster demo");
        assertThat(get("/nope").statusCode()).isEqualTo(404);
        // The dashboard is a node's: the gateway sends the operator to one's operator listener.
        HttpResponse<String> dashboard = get("/dashboard");
        assertThat(dashboard.statusCode()).isEqualTo(307);
        assertThat(dashboard.headers().firstValue("Location")).hasValueSatisfying(l -> assertThat(l).endsWith("/dashboard")
                .startsWith("http://127.0.0.1:"));
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
        gateway = gateway(g -> g.requestTimeout(Duration.ofMillis(500)));
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
        gateway = gateway(g -> g.apiKey("metrics-key"));
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
        gateway = gateway(g -> g.routing(any -> byUser).tokens(SecurityOptions.builder().jwtSecret("gateway-secret").build()));
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
    void aClientAddressHoldsAtMostItsConnectionsAndGetsInAgainWhenOneCloses() throws Exception {
        startNodes("a");
        gateway = gateway(g -> g.addressLimits(new AddressLimits(3, 0, AddressLimits.DEFAULT_EXEMPT)));
        List<TestClient> held = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            held.add(from("127.0.0.2"));
        }
        assertThatThrownBy(() -> from("127.0.0.2")).as("closed at accept, before any answer")
                .isInstanceOf(IOException.class).isNotInstanceOf(TestClient.Refused.class);
        assertThat(refused(ConnectionLimiter.ADDRESS_CONNECTIONS)).isEqualTo(1.0);
        from("127.0.0.3"); // another address
        for (int i = 0; i < 5; i++) {
            open(gateway.url()); // from 127.0.0.1, exempt by default
        }

        held.get(0).close();
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(100)).ignoreExceptions()
                .until(() -> from("127.0.0.2").isOpen());
    }

    @Test
    void newConnectionsFromOneAddressBeyondTheRateGet429AndGetInAfterTheWindow() throws Exception {
        startNodes("a");
        gateway = gateway(g -> g.addressLimits(new AddressLimits(0, 3, AddressLimits.DEFAULT_EXEMPT)));
        TestClient.Attempts burst = TestClient.connectUntilRefused(TestClient.options(gateway.url()).withLocalAddress("127.0.0.5"), 20);
        assertThat(burst.admitted()).as("the bucket of 3, and what refilled meanwhile (a token every 333 ms)").isBetween(3, 8);
        assertThat(burst.refused()).extracting(TestClient.Refused::status, TestClient.Refused::retryAfter).containsExactly(429, "1");
        assertThat(burst.refused().body()).contains("rate_limited").contains("at most 3 a second (connection-rate-per-address)");
        assertThat(refused(ConnectionLimiter.ADDRESS_RATE)).isEqualTo(1.0);
        from("127.0.0.6"); // another address has its own bucket

        Thread.sleep(1100);
        assertThat(from("127.0.0.5").isOpen()).as("after the rate window").isTrue();
    }

    @Test
    void aTrustedProxyIsNotLimitedAtAcceptAndEachClientItNamesIsLimitedAtTheUpgrade() throws Exception {
        startNodes("a");
        gateway = gateway(g -> g.trustedProxies(List.of("127.0.0.7")).addressLimits(new AddressLimits(2, 0, AddressLimits.DEFAULT_EXEMPT)));
        TestClient.Options viaProxy = TestClient.options(gateway.url()).withLocalAddress("127.0.0.7");
        for (int i = 1; i <= 5; i++) { // five clients through one proxy address, over the cap of 2
            clients.add(TestClient.connect(viaProxy.withHeaders(Map.of("X-Forwarded-For", "198.51.100." + i))));
        }
        TestClient.Options client = viaProxy.withHeaders(Map.of("X-Forwarded-For", "203.0.113.9"));
        TestClient first = TestClient.connect(client);
        clients.add(first);
        clients.add(TestClient.connect(client));
        TestClient.Refused third = org.assertj.core.api.Assertions.catchThrowableOfType(TestClient.Refused.class,
                () -> TestClient.connect(client));
        assertThat(third.status()).isEqualTo(429);
        assertThat(third.body()).contains("at most 2 at once (max-connections-per-address)");

        first.close();
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(100)).ignoreExceptions()
                .until(() -> clients.add(TestClient.connect(client)));
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
            gateway = gateway(full, g -> g.routing(any -> RoutingOptions.DEFAULT.withAlgorithm(Algorithm.ROUND_ROBIN).withStickiness(Stickiness.NONE)));
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
        return gateway(nodes, g -> g.routing(any -> routing));
    }

    private Gateway gateway(UnaryOperator<GatewayOptions.Builder> options) throws InterruptedException {
        return gateway(nodes, options);
    }

    /** A gateway on a free loopback port, with the test's heartbeat and {@code options}, in front of {@code of}'s cluster. */
    private Gateway gateway(LocalNodes of, UnaryOperator<GatewayOptions.Builder> options) throws InterruptedException {
        GatewayOptions.Builder b = GatewayOptions.builder().host("127.0.0.1").port(0).heartbeat(HEARTBEAT);
        return Gateway.start(options.apply(b).build(), of.embedded().membership(), of.embedded().sticky());
    }

    /** Connects through the gateway from {@code address} (127.0.0.2 and up reach loopback), as one more remote client. */
    private TestClient from(String address) throws IOException {
        TestClient c = TestClient.connect(TestClient.options(gateway.url()).withLocalAddress(address));
        clients.add(c);
        return c;
    }

    private double refused(String reason) {
        var counter = gateway.registry().find(GatewayMetrics.CONNECTIONS_REFUSED).tag("reason", reason).counter();
        return counter == null ? 0 : counter.count();
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

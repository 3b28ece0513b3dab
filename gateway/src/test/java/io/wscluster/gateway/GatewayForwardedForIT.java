package io.wscluster.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.wscluster.LocalNodes;
import io.wscluster.routing.Algorithm;
import io.wscluster.routing.RoutingOptions;
import io.wscluster.routing.Stickiness;
import io.wscluster.security.AddressLimits;
import io.wscluster.testkit.RawHttp;
import io.wscluster.testkit.TestClient;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A client's own {@code X-Forwarded-For}, {@code -Proto} and {@code -Host} headers, sent to the
 * gateway from a peer it does not trust (127.0.0.2) and from one it does (127.0.0.9): the first are
 * dropped and replaced by the gateway's own, so they choose neither the node (ip-hash) nor the
 * address or origin the node sees; the second are believed, which shows that each check would see
 * a header that got through.
 */
class GatewayForwardedForIT {
    private static final Duration HEARTBEAT = Duration.ofMillis(100);
    private static final String UNTRUSTED = "127.0.0.2";
    private static final String TRUSTED = "127.0.0.9";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final LinkedBlockingQueue<JsonNode> connects = new LinkedBlockingQueue<>();
    private LocalNodes nodes;
    private Gateway gateway;
    private HttpServer backend;

    @AfterEach
    void stop() {
        if (gateway != null) {
            gateway.close();
        }
        if (nodes != null) {
            nodes.close();
        }
        if (backend != null) {
            backend.stop(0);
        }
    }

    @Test
    void theAddressANodeSeesIsTheGatewaysPeerNotWhatThatPeerClaims() throws Exception {
        URI connectCheck = startBackend();
        // The node believes every loopback hop the gateway passes on: a claim that got through would be taken.
        nodes = LocalNodes.builder().options(o -> o.bus(b -> b.heartbeat(HEARTBEAT)).transport(t -> t.trustedProxies(List.of("127.0.0.0/8")))
                .security(s -> s.proxyConnectUrl(connectCheck))).build();
        nodes.start("a");
        gateway = gateway(RoutingOptions.DEFAULT);

        connect(UNTRUSTED, Map.of("X-Forwarded-For", "203.0.113.9")).close();
        assertThat(nextConnect().path("remote").asText()).isEqualTo(UNTRUSTED);
        connect(TRUSTED, Map.of("X-Forwarded-For", "203.0.113.9")).close();
        assertThat(nextConnect().path("remote").asText()).as("named by a trusted proxy").isEqualTo("203.0.113.9");
    }

    @Test
    void aForwardedHostFromAClientDoesNotMakeAForeignPageSameOrigin() throws Exception {
        nodes = LocalNodes.builder().options(o -> o.bus(b -> b.heartbeat(HEARTBEAT))).build();
        nodes.start("a");
        gateway = gateway(RoutingOptions.DEFAULT);
        Map<String, String> foreignPage = Map.of("Origin", "https://evil.example", "X-Forwarded-Host", "evil.example",
                "X-Forwarded-Proto", "https");

        TestClient.Refused refused = catchThrowableOfType(TestClient.Refused.class, () -> connect(UNTRUSTED, foreignPage));
        assertThat(refused).as("the node's origin check sees the gateway's own X-Forwarded-Host").isNotNull();
        assertThat(refused.status()).isEqualTo(403);
        try (TestClient believed = connect(TRUSTED, foreignPage)) {
            assertThat(believed.next("welcome").path("node").asText()).isEqualTo("a");
        }
    }

    @Test
    void aClientsOwnForwardedForDoesNotChooseItsNodeByIpHash() throws Exception {
        nodes = LocalNodes.builder().options(o -> o.bus(b -> b.heartbeat(HEARTBEAT))).build();
        nodes.start("a");
        nodes.start("b");
        gateway = gateway(RoutingOptions.DEFAULT.withAlgorithm(Algorithm.IP_HASH).withStickiness(Stickiness.NONE));
        awaitBothNodes();

        Set<String> fromUntrusted = new HashSet<>();
        Set<String> fromTrusted = new HashSet<>();
        for (int i = 1; i <= 20; i++) {
            Map<String, String> claim = Map.of("X-Forwarded-For", "198.51.100." + i);
            fromUntrusted.add(landsOn(UNTRUSTED, claim));
            fromTrusted.add(landsOn(TRUSTED, claim));
        }
        assertThat(fromUntrusted).as("one peer, one node, whatever it claims").hasSize(1);
        assertThat(fromTrusted).as("twenty clients named by a trusted proxy spread by their addresses").containsExactlyInAnyOrder("a", "b");
    }

    /** A gateway trusting {@link #TRUSTED}, without per-address limits (these tests open many connections from two addresses). */
    private Gateway gateway(RoutingOptions routing) throws InterruptedException {
        return Gateway.start(GatewayOptions.builder().host("127.0.0.1").port(0).heartbeat(HEARTBEAT).routing(any -> routing)
                        .trustedProxies(List.of(TRUSTED)).addressLimits(new AddressLimits(0, 0, AddressLimits.DEFAULT_EXEMPT)).build(),
                nodes.embedded().membership(), nodes.embedded().sticky());
    }

    private TestClient connect(String from, Map<String, String> headers) throws IOException {
        return TestClient.connect(TestClient.options(gateway.url()).withLocalAddress(from).withHeaders(headers));
    }

    private String landsOn(String from, Map<String, String> headers) throws IOException {
        try (TestClient c = connect(from, headers)) {
            return c.next("welcome").path("node").asText();
        }
    }

    /** Until the gateway's view of the cluster holds both nodes. */
    private void awaitBothNodes() {
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(50)).until(() -> {
            String cluster = RawHttp.send(gateway.httpUrl(), "GET", "/api/cluster").body();
            return cluster.contains("\"a\"") && cluster.contains("\"b\"");
        });
    }

    /** A back end that admits every connection and keeps what the node asked. */
    private URI startBackend() throws IOException {
        backend = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        backend.createContext("/connect", exchange -> {
            connects.add(JSON.readTree(exchange.getRequestBody()));
            byte[] yes = "{\"allow\":true}".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, yes.length);
            exchange.getResponseBody().write(yes);
            exchange.close();
        });
        backend.start();
        return URI.create("http://127.0.0.1:" + backend.getAddress().getPort() + "/connect");
    }

    private JsonNode nextConnect() throws InterruptedException {
        JsonNode q = connects.poll(5, TimeUnit.SECONDS);
        assertThat(q).as("the node asked the back end").isNotNull();
        return q;
    }
}

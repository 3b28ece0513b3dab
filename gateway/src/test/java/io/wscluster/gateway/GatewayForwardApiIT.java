package io.wscluster.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.wscluster.LocalNodes;
import io.wscluster.NodeOptions;
import io.wscluster.codec.Encoding;
import io.wscluster.testkit.TestClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code forward-api}: the gateway sends clients' {@code /api/*} requests to a node's operator
 * listener (the public one answers 404 to them), where the node asks for its API key as from any
 * remote caller; without the setting the gateway refuses them itself.
 */
class GatewayForwardApiIT {
    private static final Duration HEARTBEAT = Duration.ofMillis(100);
    private static final String API_KEY = "forwarded-api-key";

    /** Closed last opened first. */
    private final Deque<AutoCloseable> open = new ArrayDeque<>();
    private final HttpClient http = HttpClient.newHttpClient();
    private LocalNodes nodes;
    private Gateway gateway;

    @AfterEach
    void stop() throws Exception {
        while (!open.isEmpty()) {
            open.pop().close();
        }
    }

    @Test
    void aPublishThroughTheGatewayWithTheApiKeyReachesASubscriber() throws Exception {
        startNodes(o -> o.security(s -> s.apiKey(API_KEY)), "a", "b");
        gateway = gateway(g -> g.forwardApi(true));
        TestClient subscriber = client(gateway.url());
        subscriber.next("welcome");
        subscriber.request(subscriber.frame("subscribe").put("room", "prices"));

        for (int i = 1; i <= 4; i++) { // every node in turn: each one's operator listener answers
            HttpResponse<String> published = post("/api/publish", "{\"room\":\"prices\",\"data\":" + i + "}", API_KEY);
            assertThat(published.statusCode()).as("publish %d: %s", i, published.body()).isEqualTo(200);
            assertThat(json(published).path("offset").asLong()).isEqualTo(i);
            assertThat(subscriber.next("message").path("data").asInt()).isEqualTo(i);
        }
    }

    @Test
    void aForwardedRequestWithoutTheKeyIsRefusedByTheNode() throws Exception {
        startNodes(o -> o.security(s -> s.apiKey(API_KEY)), "a");
        gateway = gateway(g -> g.forwardApi(true));
        assertThat(post("/api/publish", "{\"room\":\"prices\",\"data\":1}", null).statusCode()).isEqualTo(401);
        assertThat(post("/api/publish", "{\"room\":\"prices\",\"data\":1}", "wrong").statusCode()).isEqualTo(401);
    }

    @Test
    void aNodeWithoutAKeyRefusesForwardedRequestsThoughTheGatewayIsOnItsLoopback() throws Exception {
        startNodes(o -> o, "keyless");
        gateway = gateway(g -> g.forwardApi(true));
        HttpResponse<String> refused = post("/api/publish", "{\"room\":\"prices\",\"data\":1}", null);
        assertThat(refused.statusCode()).isEqualTo(403);
        assertThat(refused.body()).contains("set api-key on the node");
    }

    @Test
    void withoutForwardApiTheGatewayRefusesApiPathsItself() throws Exception {
        startNodes(o -> o.security(s -> s.apiKey(API_KEY)), "a");
        gateway = gateway(g -> g);
        TestClient subscriber = client(gateway.url());
        subscriber.next("welcome");
        subscriber.request(subscriber.frame("subscribe").put("room", "prices"));

        HttpResponse<String> refused = post("/api/publish", "{\"room\":\"prices\",\"data\":1}", API_KEY);
        assertThat(refused.statusCode()).isEqualTo(404);
        assertThat(refused.body()).contains("no endpoint /api/publish");
        assertThat(subscriber.poll(Duration.ofMillis(500))).as("nothing was published").isNull();
    }

    @Test
    void aNodeWhoseOperatorListenerIsOnAnotherHostsLoopbackIsNotAskedAndTheClientIsToldWhy() throws Exception {
        // The node says it is at a documentation address (RFC 5737 TEST-NET-3), not this host: its loopback is not the gateway's.
        startNodes(o -> o.security(s -> s.apiKey(API_KEY)).transport(t -> t.advertisedUrl("ws://203.0.113.10:8080/ws")), "far");
        gateway = gateway(g -> g.forwardApi(true));
        HttpResponse<String> refused = post("/api/publish", "{\"room\":\"prices\",\"data\":1}", API_KEY);
        assertThat(refused.statusCode()).isEqualTo(502);
        assertThat(refused.body()).contains("\"code\":\"unavailable\"", "node far serves /api/* on its own loopback only (admin-host)");
    }

    private void startNodes(UnaryOperator<NodeOptions.Builder> options, String... ids) {
        nodes = LocalNodes.builder().options(o -> options.apply(o.bus(b -> b.heartbeat(HEARTBEAT)))).build();
        open.push(nodes);
        for (String id : ids) {
            nodes.start(id);
        }
    }

    /** A gateway on a free loopback port in front of the nodes' cluster, with the test's heartbeat and {@code options}. */
    private Gateway gateway(UnaryOperator<GatewayOptions.Builder> options) throws InterruptedException {
        GatewayOptions.Builder b = GatewayOptions.builder().host("127.0.0.1").port(0).heartbeat(HEARTBEAT);
        Gateway g = Gateway.start(options.apply(b).build(), nodes.embedded().membership(), nodes.embedded().sticky());
        open.push(g);
        return g;
    }

    private TestClient client(String url) throws Exception {
        TestClient c = TestClient.connect(url);
        open.push(c);
        return c;
    }

    private HttpResponse<String> post(String path, String body, String key) throws Exception {
        HttpRequest.Builder r = HttpRequest.newBuilder(URI.create(gateway.httpUrl() + path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (key != null) {
            r.header("Authorization", "Bearer " + key);
        }
        return http.send(r.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode json(HttpResponse<String> r) throws Exception {
        return Encoding.JSON.mapper().readTree(r.body());
    }
}

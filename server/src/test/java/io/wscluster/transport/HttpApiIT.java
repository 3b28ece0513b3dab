package io.wscluster.transport;

import static io.wscluster.transport.Wire.subscribe;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.wscluster.NodeFixture;
import io.wscluster.codec.Encoding;
import io.wscluster.testkit.TestClient;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The HTTP endpoints every node serves, through a plain HTTP client. */
class HttpApiIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final HttpClient HTTP = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(TIMEOUT)
            .build();

    @RegisterExtension
    final NodeFixture nodes = new NodeFixture();

    @Test
    void healthAndReadiness() throws Exception {
        nodes.start();
        assertThat(get("/health").statusCode()).isEqualTo(200);
        HttpResponse<String> ready = get("/ready");
        assertThat(ready.statusCode()).isEqualTo(200);
        assertThat(json(ready).path("state").asText()).isEqualTo("active");
    }

    @Test
    void publishReachesSubscribersAndAnswersWithThePosition() throws Exception {
        nodes.start();
        TestClient c = nodes.open();
        JsonNode subscribed = subscribe(c, "prices");

        HttpResponse<String> r = post("/api/publish", "{\"room\":\"prices\",\"data\":{\"EURUSD\":1.08},\"priority\":\"high\"}");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(json(r).path("epoch").asText()).isEqualTo(subscribed.path("epoch").asText());
        assertThat(json(r).path("offset").asLong()).isEqualTo(1);

        JsonNode m = c.next("message");
        assertThat(m.path("room").asText()).isEqualTo("prices");
        assertThat(m.path("offset").asLong()).isEqualTo(1);
        assertThat(m.path("data").path("EURUSD").asDouble()).isEqualTo(1.08);

        assertThat(json(post("/api/publish", "{\"room\":\"prices\",\"data\":2}")).path("offset").asLong()).isEqualTo(2);
        assertThat(c.next("message").path("data").asInt()).isEqualTo(2);
    }

    @Test
    void aPublishRepeatedWithItsIdempotencyKeyIsStoredAndDeliveredOnce() throws Exception {
        nodes.start();
        TestClient c = nodes.open();
        subscribe(c, "prices");
        String body = "{\"room\":\"prices\",\"data\":1,\"idempotency_key\":\"order-17\"}";
        long first = json(post("/api/publish", body)).path("offset").asLong();
        assertThat(json(post("/api/publish", body)).path("offset").asLong()).as("the first placement").isEqualTo(first);
        assertThat(json(post("/api/publish", "{\"room\":\"prices\",\"data\":2,\"idempotency_key\":\"order-18\"}"))
                .path("offset").asLong()).isEqualTo(first + 1);
        assertThat(c.next("message").path("offset").asLong()).isEqualTo(first);
        assertThat(c.next("message").path("offset").asLong()).as("no second copy of the first").isEqualTo(first + 1);
        assertError(post("/api/publish", "{\"room\":\"prices\",\"data\":1,\"idempotency_key\":\"with space\"}"), 400, "bad_request");
    }

    @Test
    void sendAndBroadcastAreDelivered() throws Exception {
        nodes.start(o -> o.security(s -> s.jwtSecret("s3cret")));
        TestClient alice = nodes.openAs("alice");
        TestClient bob = nodes.openAs("bob");

        HttpResponse<String> send = post("/api/send", "{\"user\":\"alice\",\"data\":\"psst\"}");
        assertThat(send.statusCode()).isEqualTo(200);
        assertThat(json(send).isObject() && json(send).isEmpty()).as("body %s", send.body()).isTrue();
        JsonNode m = alice.next("message");
        assertThat(m.path("user").asText()).isEqualTo("alice");
        assertThat(m.path("data").asText()).isEqualTo("psst");

        HttpResponse<String> broadcast = post("/api/broadcast", "{\"data\":\"all hands\"}");
        assertThat(broadcast.statusCode()).isEqualTo(200);
        assertThat(json(broadcast).isObject() && json(broadcast).isEmpty()).as("body %s", broadcast.body()).isTrue();
        for (TestClient c : List.of(alice, bob)) {
            JsonNode b = c.next("message");
            assertThat(b.path("broadcast").asBoolean()).isTrue();
            assertThat(b.path("data").asText()).isEqualTo("all hands");
        }
        // bob got the broadcast but never alice's message
        Wire.assertSilent(bob);
    }

    @Test
    void errorsAreJsonWithTheirStatus() throws Exception {
        nodes.start(o -> o.transport(t -> t.maxFrameSize(8 * 1024)));
        assertError(post("/api/publish", "{\"room\":"), 400, "bad_request");
        assertError(post("/api/publish", "[1,2]"), 400, "bad_request");
        assertError(post("/api/publish", "{\"data\":1}"), 400, "bad_request");
        assertError(post("/api/publish", "{\"room\":\"no spaces\",\"data\":1}"), 400, "bad_request");
        assertError(post("/api/publish", "{\"room\":\"r\"}"), 400, "bad_request");
        assertError(post("/api/publish", "{\"room\":\"r\",\"data\":1,\"priority\":\"urgent\"}"), 400, "bad_request");
        assertError(post("/api/send", "{\"data\":1}"), 400, "bad_request");
        assertError(post("/api/broadcast", "{}"), 400, "bad_request");
        HttpResponse<String> notFound = get("/api/nothing-here");
        assertThat(notFound.statusCode()).isEqualTo(404);
        assertErrorBody(notFound);
        HttpResponse<String> wrongMethod = get("/api/publish");
        assertThat(wrongMethod.statusCode()).isEqualTo(405);
        assertErrorBody(wrongMethod);
        assertThat(post("/health", "{}").statusCode()).isEqualTo(405);

        String tooLarge = "{\"room\":\"r\",\"data\":\"" + "x".repeat(9 * 1024) + "\"}";
        assertError(post("/api/publish", tooLarge), 413, "too_large");
        // The node is fine afterwards.
        assertThat(post("/api/publish", "{\"room\":\"r\",\"data\":1}").statusCode()).isEqualTo(200);
    }

    @Test
    void apiKeyGuardsTheApi() throws Exception {
        nodes.start(o -> o.security(s -> s.apiKey("k")));
        String body = "{\"room\":\"r\",\"data\":1}";
        assertError(send(request("/api/publish").POST(HttpRequest.BodyPublishers.ofString(body))), 401, "unauthorized");
        assertError(post("/api/publish", body, "wrong"), 401, "unauthorized");
        assertError(send(request("/api/cluster").header("Authorization", "Basic k").GET()), 401, "unauthorized");
        assertThat(post("/api/publish", body, "k").statusCode()).isEqualTo(200);
        assertThat(send(request("/api/cluster").header("Authorization", "Bearer k").GET()).statusCode()).isEqualTo(200);
        // Health, readiness and metrics stay open to probes and scrapers.
        assertThat(get("/health").statusCode()).isEqualTo(200);
        assertThat(get("/ready").statusCode()).isEqualTo(200);
        assertThat(get("/metrics").statusCode()).isEqualTo(200);
    }

    @Test
    void clusterListsThisNodeWithItsConnections() throws Exception {
        nodes.start(o -> o.capacity(1234));
        TestClient first = nodes.open();
        nodes.open();
        nodes.open();
        assertClusterConnections(3);

        first.close();
        assertClusterConnections(2);

        JsonNode node = json(get("/api/cluster")).path("nodes").get(0);
        assertThat(node.path("id").asText()).isEqualTo(NodeFixture.NODE_ID);
        assertThat(node.path("url").asText()).isEqualTo(nodes.node().url());
        assertThat(node.path("state").asText()).isEqualTo("active");
        assertThat(node.path("capacity").asInt()).isEqualTo(1234);
    }

    @Test
    void metricsArePrometheusText() throws Exception {
        nodes.start();
        TestClient c = nodes.open();
        subscribe(c, "m");
        Wire.publish(c, "m", "x");
        c.next("message");
        c.sendText("not json");
        c.next("error");

        HttpResponse<String> r = get("/metrics");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/plain"));
        String text = r.body();
        assertThat(text).contains("# TYPE wsc_connections gauge");
        assertThat(metric(text, "wsc_connections")).isEqualTo(1);
        assertThat(metric(text, "wsc_messages_in_total")).isGreaterThanOrEqualTo(3);
        assertThat(metric(text, "wsc_messages_out_total")).isGreaterThanOrEqualTo(1);
        assertThat(metric(text, "wsc_errors_total{code=\"bad_request\"}")).isEqualTo(1);
    }

    private void assertClusterConnections(int expected) {
        await().atMost(TestClient.TIMEOUT).untilAsserted(() -> {
            JsonNode cluster = json(get("/api/cluster"));
            assertThat(cluster.path("nodes").size()).isEqualTo(1);
            assertThat(cluster.path("nodes").get(0).path("connections").asInt()).isEqualTo(expected);
        });
    }

    /** The value of the sample whose name (with labels, if given) starts a line. */
    /** The sum of the samples of {@code sample} over all its labels. */
    private static double metric(String text, String sample) {
        double sum = 0;
        boolean found = false;
        for (String line : text.split("\n")) {
            if (line.startsWith(sample + " ") || line.startsWith(sample + "{")) {
                sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                found = true;
            }
        }
        if (!found) {
            throw new AssertionError("no sample " + sample + " in\n" + text);
        }
        return sum;
    }

    private static void assertError(HttpResponse<String> r, int status, String code) throws IOException {
        assertThat(r.statusCode()).as("status, body %s", r.body()).isEqualTo(status);
        assertThat(assertErrorBody(r).path("code").asText()).isEqualTo(code);
    }

    private static JsonNode assertErrorBody(HttpResponse<String> r) throws IOException {
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
        JsonNode error = json(r).path("error");
        assertThat(error.path("code").isTextual()).as("body %s", r.body()).isTrue();
        assertThat(error.path("message").asText()).as("body %s", r.body()).isNotBlank();
        return error;
    }

    private static JsonNode json(HttpResponse<String> r) throws IOException {
        return Encoding.JSON.mapper().readTree(r.body());
    }

    /** A request to the listener that serves {@code path}: the operator one for the API, admin and metrics. */
    private HttpRequest.Builder request(String path) {
        boolean operator = path.startsWith("/api/") || path.startsWith("/admin/") || path.equals("/metrics");
        return HttpRequest.newBuilder(URI.create((operator ? nodes.node().adminUrl() : nodes.node().httpUrl()) + path))
                .timeout(TIMEOUT);
    }

    private HttpResponse<String> get(String path) throws Exception {
        return send(request(path).GET());
    }

    private HttpResponse<String> post(String path, String body) throws Exception {
        return send(request(path).header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    private HttpResponse<String> post(String path, String body, String apiKey) throws Exception {
        return send(request(path).header("Authorization", "Bearer " + apiKey).POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}

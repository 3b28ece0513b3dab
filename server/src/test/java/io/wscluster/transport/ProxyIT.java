package io.wscluster.transport;

import static io.wscluster.transport.Wire.error;
import static io.wscluster.transport.Wire.expect;
import static io.wscluster.transport.Wire.subscribe;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.wscluster.NodeFixture;
import io.wscluster.testkit.TestClient;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The application's back end asked over HTTP about connects, subscribes and publishes, served by
 * the test on loopback: allowing, refusing with a reason, answering slowly and out of order, and
 * not answering at all.
 */
class ProxyIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    final NodeFixture nodes = new NodeFixture();
    private final ExecutorService backendThreads = Executors.newCachedThreadPool();
    private final ConcurrentLinkedQueue<JsonNode> questions = new ConcurrentLinkedQueue<>();
    /** Released when the test lets the back end answer what {@code /held} holds. */
    private final CountDownLatch held = new CountDownLatch(1);
    private HttpServer backend;

    @BeforeEach
    void startBackend() throws IOException {
        backend = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        backend.setExecutor(backendThreads);
        backend.createContext("/connect", exchange -> {
            JsonNode q = read(exchange);
            boolean cookie = q.path("headers").path("cookie").asText().equals("sid=good");
            answer(exchange, cookie ? "{\"allow\":true,\"user\":\"cookie-user\",\"rooms\":[\"vip:*\"]}"
                    : "{\"allow\":false,\"reason\":\"no session cookie\"}");
        });
        backend.createContext("/subscribe", exchange -> {
            JsonNode q = read(exchange);
            answer(exchange, q.path("room").asText().startsWith("secret") ? "{\"allow\":false,\"reason\":\"not for you\"}"
                    : "{\"allow\":true}");
        });
        backend.createContext("/publish", exchange -> {
            JsonNode q = read(exchange);
            String data = q.path("data").asText();
            if (data.startsWith("slow")) {
                sleep(Duration.ofMillis(400));
            } else if (data.equals("stall")) {
                sleep(Duration.ofSeconds(3));
            }
            answer(exchange, data.equals("spam") ? "{\"allow\":false,\"reason\":\"spam\"}" : "{\"allow\":true}");
        });
        backend.createContext("/slow", exchange -> {
            read(exchange);
            sleep(Duration.ofSeconds(3));
            answer(exchange, "{\"allow\":true}");
        });
        backend.createContext("/held", exchange -> {
            read(exchange);
            try {
                held.await(10, TimeUnit.SECONDS); // bounded: a failed test must not hold the back end's threads
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            answer(exchange, "{\"allow\":true}");
        });
        backend.start();
    }

    @AfterEach
    void stopBackend() {
        held.countDown();
        backend.stop(0);
        backendThreads.shutdownNow();
    }

    private URI url(String path) {
        return URI.create("http://127.0.0.1:" + backend.getAddress().getPort() + path);
    }

    @Test
    void theBackEndDecidesSubscribesAndPublishesAfterTheRules() throws Exception {
        nodes.start(o -> o.security(s -> s.proxySubscribeUrl(url("/subscribe")).proxyPublishUrl(url("/publish"))
                .proxyTimeout(Duration.ofMillis(1000))));
        TestClient c = nodes.open();
        subscribe(c, "lobby");
        assertThat(error(c, c.frame("subscribe").put("room", "secret-plans"), "forbidden").path("message").asText())
                .isEqualTo("refused by the application: not for you");

        assertThat(error(c, c.frame("publish").put("room", "lobby").put("data", "spam"), "forbidden").path("message").asText())
                .isEqualTo("refused by the application: spam");
        // Answers come back out of order (the first is slow); the messages keep the client's order.
        c.send(c.frame("publish").put("id", 10).put("room", "lobby").put("data", "slow-first"));
        c.send(c.frame("publish").put("id", 11).put("room", "lobby").put("data", "second"));
        List<String> got = List.of(c.next("message").path("data").asText(), c.next("message").path("data").asText());
        assertThat(got).containsExactly("slow-first", "second");
        assertThat(questions).anySatisfy(q -> assertThat(q.path("room").asText()).isEqualTo("lobby"));
        assertThat(questions).allSatisfy(q -> assertThat(q.has("session")).isTrue());
    }

    @Test
    void aBackEndThatIsSlowOrDownRefusesAsUnavailableAndNothingHappens() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        URI down = URI.create("http://127.0.0.1:" + closedPort + "/subscribe");
        nodes.start(o -> o.security(s -> s.proxySubscribeUrl(down).proxyPublishUrl(url("/publish")).proxyTimeout(Duration.ofMillis(300))));
        TestClient c = nodes.open();
        assertThat(error(c, c.frame("subscribe").put("room", "lobby"), "unavailable").path("message").asText())
                .isEqualTo("the application's subscribe check did not answer (unreachable); nothing was done");
        assertThat(error(c, c.frame("publish").put("room", "lobby").put("data", "stall"), "unavailable").path("message").asText())
                .contains("no answer within 300 ms");
        TestClient reader = nodes.open();
        assertThat(expect(reader.request(reader.frame("history").put("room", "lobby")), "history").path("offset").asLong())
                .as("nothing published").isZero();
        assertThat(c.isOpen()).isTrue();
    }

    @Test
    void aConnectCheckThatIsDownOrSlowRefusesTheUpgradeWith503() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        nodes.start(o -> o.security(s -> s.proxyConnectUrl(URI.create("http://127.0.0.1:" + closedPort + "/connect"))));
        TestClient.Refused down = catchThrowableOfType(TestClient.Refused.class, () -> nodes.connect(nodes.options()));
        assertThat(down).as("a back end that is down").isNotNull();
        assertThat(down.status()).isEqualTo(503);
        assertThat(down.body()).contains("\"unavailable\"", "the application's connect check did not answer (unreachable); nothing was done");

        nodes.start(o -> o.security(s -> s.proxyConnectUrl(url("/slow")).proxyTimeout(Duration.ofMillis(300))));
        TestClient.Refused slow = catchThrowableOfType(TestClient.Refused.class, () -> nodes.connect(nodes.options()));
        assertThat(slow).as("a back end that does not answer in time").isNotNull();
        assertThat(slow.status()).isEqualTo(503);
        assertThat(slow.body()).contains("the application's connect check did not answer (no answer within 300 ms); nothing was done");
        assertThat(nodes.node().registry().find(io.wscluster.metrics.NodeMetrics.CONNECTIONS).gauge().value()).as("nobody let in").isZero();
    }

    @Test
    void questionsBeyondProxyMaxInFlightAreRefusedAtOnceNotQueued() throws Exception {
        nodes.start(o -> o.security(s -> s.proxyPublishUrl(url("/held")).proxyMaxInFlight(2).proxyTimeout(Duration.ofSeconds(5))));
        // One publish per connection: a session's own publishes wait for each other, to keep their order.
        TestClient first = nodes.open();
        TestClient second = nodes.open();
        TestClient third = nodes.open();
        first.send(first.frame("publish").put("id", 1).put("room", "lobby").put("data", "one"));
        second.send(second.frame("publish").put("id", 1).put("room", "lobby").put("data", "two"));
        await().atMost(Duration.ofSeconds(5)).until(() -> questions.size() == 2);

        assertThat(error(third, third.frame("publish").put("room", "lobby").put("data", "three"), "unavailable").path("message").asText())
                .isEqualTo("the application's publish check did not answer (too many requests to it in flight); nothing was done");
        assertThat(questions).as("never asked").hasSize(2);

        held.countDown();
        assertThat(expect(first.next(), "ack").path("offset").asLong()).isPositive();
        assertThat(expect(second.next(), "ack").path("offset").asLong()).isPositive();
        assertThat(expect(third.request(third.frame("publish").put("room", "lobby").put("data", "three")), "ack").path("offset")
                .asLong()).as("room again once the others are answered").isEqualTo(3);
    }

    @Test
    void theBackEndAdmitsConnectionsAndMayNameTheirUser() throws Exception {
        nodes.start(o -> o.security(s -> s.proxyConnectUrl(url("/connect")).roomSubscribe(io.wscluster.security.RoomAccess.GRANTED)));
        TestClient.Refused refused = catchThrowableOfType(TestClient.Refused.class, () -> nodes.connect(nodes.options()));
        assertThat(refused).isNotNull();
        assertThat(refused.status()).isEqualTo(403);
        assertThat(refused.body()).contains("refused by the application: no session cookie");

        TestClient c = nodes.connect(nodes.options().withHeaders(Map.of("Cookie", "sid=good")));
        assertThat(expect(c.next(), "welcome").path("user").asText()).isEqualTo("cookie-user");
        subscribe(c, "vip:lounge");
        error(c, c.frame("subscribe").put("room", "lobby"), "forbidden");
        assertThat(questions.peek().path("remote").asText()).isEqualTo("127.0.0.1");
    }

    @Test
    void behindATrustedProxyTheClientIsTheHopItNames() throws Exception {
        nodes.start(o -> o.transport(t -> t.trustedProxies(List.of("127.0.0.0/8"))).security(s -> s.proxyConnectUrl(url("/connect"))));
        TestClient c = nodes.connect(nodes.options().withHeaders(Map.of("Cookie", "sid=good", "X-Forwarded-For", "198.51.100.4, 203.0.113.9")));
        c.next("welcome");
        assertThat(questions.poll().path("remote").asText()).isEqualTo("203.0.113.9");

        nodes.start(o -> o.security(s -> s.proxyConnectUrl(url("/connect")))); // trusting nobody
        TestClient spoofing = nodes.connect(nodes.options().withHeaders(Map.of("Cookie", "sid=good", "X-Forwarded-For", "203.0.113.9")));
        spoofing.next("welcome");
        assertThat(questions.poll().path("remote").asText()).as("a client's own header is not believed").isEqualTo("127.0.0.1");
    }

    private JsonNode read(HttpExchange exchange) throws IOException {
        JsonNode q = JSON.readTree(exchange.getRequestBody());
        questions.add(q);
        return q;
    }

    private static void answer(HttpExchange exchange, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(200, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

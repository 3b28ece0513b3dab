package io.wscluster.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import com.auth0.jwt.JWT;
import com.auth0.jwt.algorithms.Algorithm;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.netty.handler.ssl.util.SelfSignedCertificate;
import io.wscluster.testkit.RawHttp;
import io.wscluster.testkit.SharedRedis;
import io.wscluster.testkit.TestClient;
import io.wscluster.testkit.TlsClients;
import io.wscluster.testkit.Tokens;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocketHandshakeException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A cluster started as the README shows, tried as an attacker would: two `wsc node` processes on
 * one Redis and a `wsc gateway` in front of them, plus a standalone node serving wss with a token
 * secret, each with the product's defaults (no permissive test settings). Beyond the README's
 * commands they get only what the checks need: admin keys (n1 from WSC_ADMIN_KEY, n2 from an
 * admin-key-file), a per-address cap of 3 connections (stricter than the default 100, so that the
 * checks on X-Forwarded-For meet it after three connections), and 127.0.0.9 as the trusted proxy
 * of n2 and the gateway (an address the other checks never connect from).
 *
 * <p>The processes start once for the class; the drain, which stops them, comes last.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SecureDefaultsProcessIT {
    private static final String KEY_OF_N1 = "n1-admin-" + UUID.randomUUID();
    private static final String KEY_OF_N2 = "n2-admin-" + UUID.randomUUID();
    private static final String JWT_SECRET = "the-tls-nodes-secret-" + UUID.randomUUID();
    private static final String TRUSTED_PROXY = "127.0.0.9";
    /** Every way of writing the drain (and shed) path that a prefix rule or a decoder might take for it. */
    private static final List<String> DRAIN_SPELLINGS = List.of("/admin/drain", "/admin%2Fdrain", "/admin%2fdrain", "//admin/drain",
            "/x/../admin/drain", "/./admin/drain", "/ADMIN/drain", "/Admin/Drain", "/admin/drain/", "/%61dmin/drain", "/admin/./drain",
            "/admin/shed?count=1&to=n2");

    @RegisterExtension
    static final SharedRedis redis = new SharedRedis();
    @TempDir
    static Path dir;

    private final NodeProcesses processes = new NodeProcesses();
    private final List<TestClient> clients = new ArrayList<>();
    private String cluster;
    private String n1;
    private String n2;
    private NodeProcesses.GatewayUrls gateway;
    private String secure;
    private SelfSignedCertificate cert;
    private Path keyFile;

    @BeforeAll
    void start() throws Exception {
        cluster = SharedRedis.namespace();
        keyFile = Files.writeString(dir.resolve("admin-key"), KEY_OF_N2 + "\n");
        n1 = processes.startWithDefaults(Map.of("WSC_ADMIN_KEY", KEY_OF_N1), "n1", "--redis", redis.url(), "--cluster", cluster,
                "--max-connections-per-address", "3");
        n2 = processes.startWithDefaults(Map.of(), "n2", "--redis", redis.url(), "--cluster", cluster,
                "--admin-key-file", keyFile.toString(), "--max-connections-per-address", "3", "--trusted-proxies", TRUSTED_PROXY);
        gateway = processes.startGateway(Map.of(), "--redis", redis.url(), "--cluster", cluster,
                "--max-connections-per-address", "3", "--trusted-proxies", TRUSTED_PROXY);
        cert = new SelfSignedCertificate("localhost");
        Path certFile = Files.copy(cert.certificate().toPath(), dir.resolve("cert.pem"));
        Path keyPem = Files.copy(cert.privateKey().toPath(), dir.resolve("key.pem"));
        secure = processes.startWithDefaults(Map.of("WSC_JWT_SECRET", JWT_SECRET), "secure",
                "--tls-cert-file", certFile.toString(), "--tls-key-file", keyPem.toString());
        await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(200)).until(this::bothNodesActiveBehindTheGateway);
    }

    @AfterEach
    void closeClients() {
        clients.forEach(TestClient::close);
        clients.clear();
    }

    @AfterAll
    void stop() {
        processes.close();
    }

    @Test
    @Order(1)
    void drainIsRefusedOnThePublicPortsAndThroughTheGatewayInEverySpelling() throws Exception {
        for (String base : List.of(http(n1), http(n2), gateway.httpUrl())) {
            for (String target : DRAIN_SPELLINGS) {
                RawHttp.Answer a = RawHttp.send(base, "POST", target);
                assertThat(a.status()).as("POST %s%s: %s", base, target, a.body()).isEqualTo(404);
            }
        }
        // The operator listener itself: the plain path wants n1's key; no other spelling is the drain.
        String operator = NodeProcesses.adminUrl(n1);
        assertThat(RawHttp.send(operator, "POST", "/admin/drain").status()).isEqualTo(401);
        assertThat(RawHttp.send(operator, "POST", "/admin/drain", "Authorization: Bearer " + KEY_OF_N2).status()).isEqualTo(401);
        for (String target : DRAIN_SPELLINGS.subList(1, DRAIN_SPELLINGS.size() - 1)) {
            assertThat(RawHttp.send(operator, "POST", target).status()).as("POST %s%s", operator, target).isEqualTo(404);
        }

        assertThat(processes.get(0).isAlive()).isTrue();
        assertThat(processes.get(1).isAlive()).isTrue();
        for (String node : List.of(n1, n2)) {
            assertThat(RawHttp.send(http(node), "GET", "/ready").status()).as(node + " still takes connections").isEqualTo(200);
        }
        assertThat(bothNodesActiveBehindTheGateway()).isTrue();
    }

    @Test
    @Order(2)
    void theGatewaysRouteLookupWritesNothingToRedis() throws Exception {
        String user = "victim-" + UUID.randomUUID();
        try (RedisClient client = RedisClient.create(redis.url());
             StatefulRedisConnection<String, String> c = client.connect()) {
            List<String> stickyBefore = c.sync().keys(cluster + ":sticky*");
            for (String query : List.of("?user=" + user, "?user=" + user + "&session=" + "A".repeat(32), "?ip=203.0.113.7")) {
                RawHttp.Answer a = RawHttp.send(gateway.httpUrl(), "GET", "/api/route" + query);
                assertThat(a.status()).as(a.body()).isEqualTo(200);
                assertThat(a.body()).containsAnyOf("\"n1\"", "\"n2\"");
            }
            assertThat(c.sync().keys("*" + user + "*")).as("no key names the user looked up").isEmpty();
            assertThat(c.sync().keys(cluster + ":sticky*")).as("no sticky mapping written").isEqualTo(stickyBefore);
        }
    }

    @Test
    @Order(3)
    void anonymousClientsMayNotPublishSendOrBroadcast() throws Exception {
        String room = "lobby-" + UUID.randomUUID();
        for (String url : List.of(gateway.url(), n1, n2)) {
            TestClient c = open(url);
            assertThat(c.next("welcome").path("user").isNull()).as("anonymous").isTrue();
            assertThat(c.request(c.frame("subscribe").put("room", room)).path("op").asText()).isEqualTo("subscribed");
            refusedAsForbidden(c, c.frame("publish").put("room", room).put("data", "injected"));
            refusedAsForbidden(c, c.frame("send").put("user", "alice").put("data", "injected"));
            refusedAsForbidden(c, c.frame("broadcast").put("data", "injected"));
            refusedAsForbidden(c, c.frame("presence").put("room", room));
            assertThat(c.request(c.frame("history").put("room", room)).path("offset").asLong()).as("nothing stored").isZero();
            assertThat(c.poll(Duration.ofMillis(200))).as("nothing delivered").isNull();
        }
    }

    @Test
    @Order(4)
    void sessionIdsAClientInventsNeverResumeAnothersSession() throws Exception {
        String room = "victims-room-" + UUID.randomUUID();
        TestClient victim = open(n1);
        String victimSession = victim.next("welcome").path("session").asText();
        assertThat(victim.request(victim.frame("subscribe").put("room", room)).path("op").asText()).isEqualTo("subscribed");
        // A name, or something of an issued id's shape the cluster never issued: never taken; a fresh
        // session under an id of the server's, and the welcome says why.
        for (String url : List.of(gateway.url(), n1, n2)) {
            for (String invented : List.of("support-chat-42", "A".repeat(victimSession.length()))) {
                TestClient attacker = open(url + "?session=" + invented);
                JsonNode welcome = attacker.next("welcome");
                assertThat(welcome.path("session").asText()).as("at " + url).isNotEqualTo(invented).isNotEqualTo(victimSession);
                assertThat(welcome.path("resumed").asBoolean()).as("at " + url).isFalse();
                assertThat(welcome.path("session_refused").asText()).as("at " + url).isNotEmpty();
            }
        }
        RawHttp.Answer published = publishFromTheOperatorListener(room, "for the victim only");
        assertThat(published.status()).as(published.body()).isEqualTo(200);
        assertThat(victim.next("message").path("data").asText()).isEqualTo("for the victim only");
        for (TestClient attacker : clients.subList(1, clients.size())) {
            assertThat(attacker.poll(Duration.ofMillis(300))).as("no subscribed frame, no message of the victim's room").isNull();
        }
    }

    @Test
    @Order(5)
    void tokensNotSignedWithTheNodesKeyAreRefused() throws Exception {
        String forged = Tokens.hs256("not-the-secret", "alice");
        for (String url : List.of(gateway.url(), n1)) {
            TestClient.Refused refused = catchThrowableOfType(TestClient.Refused.class,
                    () -> TestClient.connect(TestClient.options(url).withBearer(forged)));
            assertThat(refused).as("a token where no key is set, at " + url).isNotNull();
            assertThat(refused.status()).isEqualTo(401);
        }

        SSLContext trust = TlsClients.trusting(cert.cert());
        assertThat(wssStatus("?token=" + forged, trust)).as("signed with another secret").isEqualTo(401);
        String unsigned = JWT.create().withSubject("alice").withExpiresAt(Instant.now().plusSeconds(600)).sign(Algorithm.none());
        assertThat(wssStatus("?token=" + unsigned, trust)).as("alg none").isEqualTo(401);
        assertThat(wssStatus("", trust)).as("anonymous, once a key is set").isEqualTo(401);
        assertThat(TlsClients.firstFrame(secure + "?token=" + Tokens.hs256(JWT_SECRET, "alice"), trust))
                .contains("\"op\":\"welcome\"", "\"user\":\"alice\"");
    }

    @Test
    @Order(6)
    void aSpoofedForwardedForCountsOnlyFromATrustedProxy() throws Exception {
        // The gateway's /metrics answers loopback callers: a loopback peer's claim to be elsewhere is ignored...
        assertThat(RawHttp.sendFrom("127.0.0.2", gateway.httpUrl(), "GET", "/metrics", "X-Forwarded-For: 203.0.113.5").status())
                .isEqualTo(200);
        // ...and the same claim from the trusted proxy names its client, who is not on loopback.
        assertThat(RawHttp.sendFrom(TRUSTED_PROXY, gateway.httpUrl(), "GET", "/metrics", "X-Forwarded-For: 203.0.113.5").status())
                .isEqualTo(403);

        for (String url : List.of(gateway.url(), n1)) {
            // An untrusted peer naming a new client each time still holds its own 3 connections, no more.
            for (int i = 1; i <= 3; i++) {
                open(TestClient.options(url).withLocalAddress("127.0.0.2").withHeaders(Map.of("X-Forwarded-For", "198.51.100." + i)));
            }
            assertThatThrownBy(() -> open(TestClient.options(url).withLocalAddress("127.0.0.2")
                    .withHeaders(Map.of("X-Forwarded-For", "198.51.100.4")))).as("at " + url).isInstanceOf(IOException.class);
        }
        for (String url : List.of(gateway.url(), n2)) {
            // Through the trusted proxy each client it names has its own allowance.
            TestClient.Options viaProxy = TestClient.options(url).withLocalAddress(TRUSTED_PROXY);
            for (int i = 0; i < 3; i++) {
                open(viaProxy.withHeaders(Map.of("X-Forwarded-For", "198.51.100.50")));
            }
            TestClient.Refused refused = catchThrowableOfType(TestClient.Refused.class,
                    () -> open(viaProxy.withHeaders(Map.of("X-Forwarded-For", "198.51.100.50"))));
            assertThat(refused).as("the fourth of one named client, at " + url).isNotNull();
            assertThat(refused.status()).isEqualTo(429);
            assertThat(open(viaProxy.withHeaders(Map.of("X-Forwarded-For", "198.51.100.51"))).isOpen()).isTrue();
        }
    }

    @Test
    @Order(7)
    void aNodeGivenCertificateFilesServesWssAndHttpsOnly() throws Exception {
        assertThat(secure).startsWith("wss://");
        SSLContext trust = TlsClients.trusting(cert.cert());
        HttpClient https = HttpClient.newBuilder().sslContext(trust).connectTimeout(Duration.ofSeconds(5)).build();
        for (String url : List.of(secure.replace("wss://", "https://").replace("/ws", "/health"),
                NodeProcesses.adminUrl(secure) + "/health")) {
            HttpResponse<String> health = https.send(HttpRequest.newBuilder(URI.create(TlsClients.local(url)))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(health.statusCode()).as(url).isEqualTo(200);
        }
        assertThatThrownBy(() -> TestClient.connect(secure.replace("wss://", "ws://"))).as("plain ws to the TLS port")
                .isInstanceOf(IOException.class);
    }

    @Test
    @Order(100)
    void wscDrainNeedsTheAdminKeyFromTheEnvironmentOrTheNodesKeyFile() throws Exception {
        // Each run is a JVM of its own: the two refusals side by side, then the two drains.
        List<NodeProcesses.Run> refused = drains(Map.of("n1", Map.of(), "n2", Map.of("WSC_ADMIN_KEY", KEY_OF_N1)));
        assertThat(refused).allSatisfy(r -> assertThat(r.code()).as(r.output()).isEqualTo(2))
                .allSatisfy(r -> assertThat(r.output()).contains("HTTP 401"));
        NodeProcesses.Run noFile = NodeProcesses.run(Map.of("WSC_ADMIN_KEY_FILE", dir.resolve("missing").toString()), "drain", "n2",
                "--redis", redis.url(), "--cluster", cluster);
        assertThat(noFile.code()).as(noFile.output()).isEqualTo(2);
        assertThat(noFile.output()).contains("admin-key-file: cannot read");
        assertThat(processes.get(0).isAlive() && processes.get(1).isAlive()).as("both nodes still up").isTrue();

        List<NodeProcesses.Run> drained = drains(Map.of("n1", Map.of("WSC_ADMIN_KEY", KEY_OF_N1),
                "n2", Map.of("WSC_ADMIN_KEY_FILE", keyFile.toString())));
        assertThat(drained).allSatisfy(r -> assertThat(r.code()).as(r.output()).isZero())
                .allSatisfy(r -> assertThat(r.output()).containsPattern("node n[12] is draining"));
        // Without clients a drained node is empty at once, and exits.
        assertThat(processes.get(0).waitFor(20, TimeUnit.SECONDS)).as("n1 exited").isTrue();
        assertThat(processes.get(1).waitFor(20, TimeUnit.SECONDS)).as("n2 exited").isTrue();
    }

    /** Runs `wsc drain NODE` for each node at once, each with its environment; their outcomes. */
    private List<NodeProcesses.Run> drains(Map<String, Map<String, String>> envByNode) throws Exception {
        List<CompletableFuture<NodeProcesses.Run>> runs = new ArrayList<>();
        envByNode.forEach((node, env) -> runs.add(CompletableFuture.supplyAsync(() -> {
            try {
                return NodeProcesses.run(env, "drain", node, "--redis", redis.url(), "--cluster", cluster);
            } catch (IOException | InterruptedException e) {
                throw new IllegalStateException(e);
            }
        })));
        List<NodeProcesses.Run> done = new ArrayList<>();
        for (CompletableFuture<NodeProcesses.Run> run : runs) {
            done.add(run.get(40, TimeUnit.SECONDS));
        }
        return done;
    }

    private boolean bothNodesActiveBehindTheGateway() throws IOException {
        RawHttp.Answer a = RawHttp.send(gateway.httpUrl(), "GET", "/api/cluster");
        return a.status() == 200 && a.body().contains("\"n1\"") && a.body().contains("\"n2\"")
                && a.body().split("\"active\"", -1).length - 1 >= 2;
    }

    private RawHttp.Answer publishFromTheOperatorListener(String room, String data) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(NodeProcesses.adminUrl(n2) + "/api/publish"))
                        .timeout(Duration.ofSeconds(5)).header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"room\":\"" + room + "\",\"data\":\"" + data + "\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        return new RawHttp.Answer(r.statusCode(), r.body());
    }

    /** The HTTP status the TLS node refuses a wss upgrade with; 101 when it accepts. */
    private int wssStatus(String query, SSLContext trust) throws Exception {
        try {
            HttpClient.newBuilder().sslContext(trust).build().newWebSocketBuilder()
                    .buildAsync(URI.create(TlsClients.local(secure) + query), new java.net.http.WebSocket.Listener() { })
                    .get(10, TimeUnit.SECONDS).abort();
            return 101;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof WebSocketHandshakeException refused) {
                return refused.getResponse().statusCode();
            }
            throw e;
        }
    }

    private TestClient open(String url) throws IOException {
        return open(TestClient.options(url));
    }

    private TestClient open(TestClient.Options options) throws IOException {
        TestClient c = TestClient.connect(options);
        clients.add(c);
        return c;
    }

    private static void refusedAsForbidden(TestClient c, ObjectNode request) {
        JsonNode reply = c.request(request);
        assertThat(reply.path("op").asText()).as("reply to %s: %s", request, reply).isEqualTo("error");
        assertThat(reply.path("code").asText()).as("reply to %s: %s", request, reply).isEqualTo("forbidden");
    }

    private static String http(String wsUrl) {
        URI ws = URI.create(wsUrl);
        return "http://" + ws.getHost() + ":" + ws.getPort();
    }
}

package io.wscluster.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.wscluster.codec.Encoding;
import io.wscluster.testkit.SharedRedis;
import io.wscluster.testkit.TestClient;
import io.wscluster.testkit.Tokens;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Four `wsc node` processes on one redis-server; one of them dies by SIGKILL and the three others contend for its failover. */
class ClusterProcessIT {
    private static final String SECRET = "proc-secret";

    @RegisterExtension
    static final SharedRedis redis = new SharedRedis();

    private final NodeProcesses processes = new NodeProcesses();
    private final List<TestClient> clients = new ArrayList<>();

    @AfterEach
    void stop() {
        clients.forEach(TestClient::close);
        processes.close();
    }

    @Test
    void aKilledNodeLeavesTheClusterAndPresenceWithinTheFailureDetectionTime() throws Exception {
        String cluster = SharedRedis.namespace();
        List<String> urls = new ArrayList<>();
        for (int i = 1; i <= 4; i++) {
            urls.add(start("n" + i, cluster));
        }
        TestClient doomed = connect(urls.get(0), "dora");
        TestClient survivor = connect(urls.get(1), "sam");
        TestClient third = connect(urls.get(2), null);
        for (TestClient c : new TestClient[] {doomed, survivor, third}) {
            assertThat(c.request(c.frame("subscribe").put("room", "lobby")).path("op").asText()).isEqualTo("subscribed");
        }
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(users(third)).containsExactly("dora", "sam"));
        // wsc status reads the same cluster from Redis.
        assertThat(status("--redis", redis.url(), "--cluster", cluster)).containsPattern("(?m)^n1 ").containsPattern("(?m)^n2 ").containsPattern("(?m)^n3 ").containsPattern("(?m)^n4 ").contains("4 nodes");

        // Cross-process delivery: published on the third node, received on the other two.
        third.request(third.frame("publish").put("room", "lobby").put("data", "hello"));
        assertThat(doomed.next("message").path("data").asText()).isEqualTo("hello");
        assertThat(survivor.next("message").path("data").asText()).isEqualTo("hello");

        processes.get(0).destroyForcibly(); // SIGKILL: no goodbye, no cleanup
        processes.get(0).waitFor(10, TimeUnit.SECONDS);
        // Heartbeat 200 ms: failed after three missed ones; allow generous slack on a busy machine.
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(users(third)).containsExactly("sam");
            assertThat(nodeIds(urls.get(1))).containsExactly("n2", "n3", "n4");
        });
        // The three survivors noticed at once; one coordinated the failover, recorded once.
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            JsonNode failovers = getJson(urls.get(1), "/api/failovers").path("failovers");
            assertThat(failovers).hasSize(1);
            assertThat(failovers.get(0).path("failed_node").asText()).isEqualTo("n1");
            assertThat(failovers.get(0).path("outcome").asText()).isEqualTo("done");
            assertThat(failovers.get(0).path("coordinator").asText()).isIn("n2", "n3", "n4");
        });
        assertThat(status("--redis", redis.url(), "--cluster", cluster)).containsPattern("(?m)^n2 ").containsPattern("(?m)^n3 ")
                .contains("3 nodes").doesNotContainPattern("(?m)^n1 ").contains("recent failovers:", "node n1, immediate by n");
    }

    /** What `wsc status ARGS` prints, run in this JVM. */
    private static String status(String... args) {
        java.io.PrintStream stdout = System.out;
        java.io.ByteArrayOutputStream captured = new java.io.ByteArrayOutputStream();
        System.setOut(new java.io.PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            String[] all = new String[args.length + 1];
            all[0] = "status";
            System.arraycopy(args, 0, all, 1, args.length);
            assertThat(Main.commandLine().execute(all)).isZero();
        } finally {
            System.setOut(stdout);
        }
        return captured.toString(StandardCharsets.UTF_8);
    }

    private String start(String id, String cluster) throws Exception {
        return processes.start(id, "--redis", redis.url(), "--cluster", cluster, "--heartbeat", "200ms", "--jwt-secret", SECRET,
                "--allow-anonymous", "true");
    }

    private TestClient connect(String url, String user) throws Exception {
        TestClient.Options o = TestClient.options(url);
        TestClient c = TestClient.connect(user == null ? o : o.withBearer(Tokens.hs256(SECRET, user)));
        clients.add(c);
        c.next("welcome");
        return c;
    }

    private static List<String> users(TestClient c) {
        JsonNode p = c.request(c.frame("presence").put("room", "lobby"));
        List<String> users = new ArrayList<>();
        p.path("users").forEach(u -> users.add(u.asText()));
        return users;
    }

    private static JsonNode getJson(String wsUrl, String path) throws Exception {
        String http = NodeProcesses.adminUrl(wsUrl);
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(http + path)).build(),
                HttpResponse.BodyHandlers.ofString());
        return Encoding.JSON.mapper().readTree(r.body());
    }

    private static List<String> nodeIds(String wsUrl) throws Exception {
        String http = NodeProcesses.adminUrl(wsUrl);
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(http + "/api/cluster")).build(),
                HttpResponse.BodyHandlers.ofString());
        List<String> ids = new ArrayList<>();
        Encoding.JSON.mapper().readTree(r.body()).path("nodes").forEach(n -> ids.add(n.path("id").asText()));
        return ids;
    }
}

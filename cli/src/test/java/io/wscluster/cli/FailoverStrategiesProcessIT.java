package io.wscluster.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.wscluster.client.ClientOptions;
import io.wscluster.protocol.Backoff;
import io.wscluster.gateway.Gateway;
import io.wscluster.gateway.GatewayOptions;
import io.wscluster.codec.Encoding;
import io.wscluster.routing.Algorithm;
import io.wscluster.routing.Stickiness;
import io.wscluster.security.SecurityOptions;
import io.wscluster.testkit.SharedRedis;
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
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Each failover strategy end to end: three `wsc node` processes on Redis behind a gateway that
 * keeps users on their node (sticky by user, mappings in Redis). 300 SDK clients receive a room
 * stream at 200 messages/s; 30 more users were connected earlier and are away, their mappings
 * left behind. SIGKILL of n1: its connected clients reconnect through the gateway at once and lose
 * nothing; the survivor that takes the failover moves the mappings left on n1 as its strategy says
 * (at once, in paced batches, or after a grace period), records it, and an away user who comes
 * back lands where the failover sent it.
 */
class FailoverStrategiesProcessIT {
    private static final String SECRET = "strategies-secret";
    private static final int CLIENTS = 300;
    private static final int AWAY = 30;
    private static final int RATE = 200;
    private static final Duration GRACE = Duration.ofSeconds(2);
    private static final int BATCH = 2;
    private static final Duration PACE = Duration.ofMillis(300);

    @RegisterExtension
    static final SharedRedis redis = new SharedRedis();

    private final NodeProcesses nodes = new NodeProcesses();
    private Gateway gateway;
    private StreamClients stream;

    @AfterEach
    void stop() {
        if (stream != null) {
            stream.close();
        }
        if (gateway != null) {
            gateway.close();
        }
        nodes.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"immediate", "graceful", "delayed"})
    void aKilledNodesClientsLoseNothingAndItsSessionsMoveAsTheStrategySays(String strategy) throws Exception {
        String cluster = SharedRedis.namespace();
        List<String> urls = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            urls.add(nodes.start("n" + i, "--redis", redis.url(), "--cluster", cluster, "--jwt-secret", SECRET, "--history-size", "5000",
                    "--failover-strategy", strategy, "--failover-grace", GRACE.toMillis() + "ms",
                    "--failover-batch", String.valueOf(BATCH), "--failover-pace", PACE.toMillis() + "ms"));
        }
        gateway = Gateway.start(GatewayOptions.builder().host("127.0.0.1").port(0).redisUrl(redis.url()).cluster(cluster)
                .routing(r -> r.withAlgorithm(Algorithm.ROUND_ROBIN).withStickiness(Stickiness.USER)).ioThreads(1).tokens(SecurityOptions.builder().jwtSecret(SECRET).build()).build());
        await().atMost(Duration.ofSeconds(15)).until(() -> gatewayPlaces(3));

        // Users who connected once and are away: their mappings stay in Redis for the sticky TTL.
        Map<String, String> awayOn = new HashMap<>();
        for (int i = 0; i < AWAY; i++) {
            try (TestClient c = TestClient.connect(TestClient.options(gateway.url()).withBearer(Tokens.hs256(SECRET, "away-" + i)))) {
                awayOn.put("away-" + i, c.next("welcome").path("node").asText());
            }
        }
        List<String> awayOnN1 = awayOn.entrySet().stream().filter(e -> e.getValue().equals("n1")).map(Map.Entry::getKey).sorted().toList();
        assertThat(awayOnN1).hasSize(AWAY / 3); // round robin

        stream = new StreamClients(CLIENTS, i -> ClientOptions.of(gateway.url()).withToken(Tokens.hs256(SECRET, "user-" + i))
                .withBackoff(new Backoff(Duration.ofMillis(50), Duration.ofSeconds(1), 2)));
        stream.publish(ClientOptions.of(urls.get(1)).withToken(Tokens.hs256(SECRET, "publisher")), RATE);
        Thread.sleep(3000);

        long killedAt = System.nanoTime();
        nodes.get(0).destroyForcibly();
        nodes.get(0).waitFor(10, TimeUnit.SECONDS);

        // Detected after three missed heartbeats, then run by one survivor as its strategy says.
        JsonNode record = await().atMost(Duration.ofSeconds(30)).until(() -> failoverOf("n1", urls.get(1)),
                r -> r != null && !r.path("outcome").asText().equals("running"));
        Thread.sleep(1000);
        long last = stream.stopAndCheck();
        assertThat(stream.moved()).hasSize(CLIENTS / 3);

        assertThat(record.path("strategy").asText()).isEqualTo(strategy);
        assertThat(record.path("outcome").asText()).isEqualTo("done");
        assertThat(record.path("coordinator").asText()).isIn("n2", "n3");
        // The away users' mappings at least; connected clients that had already come back were placed anew by then.
        int moved = record.path("sessions_moved").asInt();
        assertThat(moved).isBetween(awayOnN1.size(), awayOnN1.size() + CLIENTS / 3);
        assertThat(record.path("targets").fieldNames()).toIterable().doesNotContain("n1");
        long took = record.path("ended_at").asLong() - record.path("started_at").asLong();
        if (strategy.equals("delayed")) {
            assertThat(took).as("waits its grace period first").isGreaterThanOrEqualTo(GRACE.toMillis());
        } else if (strategy.equals("graceful")) {
            long pauses = (moved + BATCH - 1) / BATCH - 1;
            assertThat(took).as("%d batches of %d, %s apart", pauses + 1, BATCH, PACE).isGreaterThanOrEqualTo(pauses * PACE.toMillis());
        }

        // An away user comes back through the gateway: it lands where the failover moved its mapping.
        try (RedisClient client = RedisClient.create(redis.url());
             StatefulRedisConnection<String, String> c = client.connect()) {
            for (String user : awayOnN1) {
                String mapped = c.sync().get(cluster + ":sticky:u:" + user);
                assertThat(mapped).as("mapping of %s", user).isIn("n2", "n3");
                try (TestClient back = TestClient.connect(TestClient.options(gateway.url()).withBearer(Tokens.hs256(SECRET, user)))) {
                    assertThat(back.next("welcome").path("node").asText()).isEqualTo(mapped);
                }
            }
        }
        System.out.printf("failover (%s): %d clients moved; from SIGKILL to the last of them receiving again: %d ms; %d messages;"
                        + " %d mapping(s) moved in %d ms %s%n", strategy, stream.moved().size(), stream.worstRecoveryMillis(killedAt), last,
                moved, took, record.path("targets"));
    }

    /** Whether the gateway has {@code n} nodes to place connections on. */
    private boolean gatewayPlaces(int n) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(gateway.httpUrl() + "/api/cluster"))
                .build(), HttpResponse.BodyHandlers.ofString());
        return r.statusCode() == 200 && Encoding.JSON.mapper().readTree(r.body()).path("nodes").size() == n;
    }

    /** The newest failover record of {@code node}, as {@code GET /api/failovers} on a survivor lists it, or null. */
    private static JsonNode failoverOf(String node, String wsUrl) throws Exception {
        String http = NodeProcesses.adminUrl(wsUrl);
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(http + "/api/failovers")).build(),
                HttpResponse.BodyHandlers.ofString());
        for (JsonNode f : Encoding.JSON.mapper().readTree(r.body()).path("failovers")) {
            if (f.path("failed_node").asText().equals(node)) {
                return f;
            }
        }
        return null;
    }
}

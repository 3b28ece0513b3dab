package io.wscluster.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.wscluster.NodeOptions;
import io.wscluster.StartupException;
import io.wscluster.WsCluster;
import io.wscluster.protocol.Encoding;
import io.wscluster.testkit.RedisServer;
import io.wscluster.testkit.TestClient;
import io.wscluster.testkit.Tokens;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Three nodes on one real redis-server are one service. */
class RedisClusterIT {
    private static final String SECRET = "cluster-secret";
    private RedisServer redis;
    private final List<WsCluster> nodes = new ArrayList<>();
    private final List<TestClient> clients = new ArrayList<>();
    private String cluster;

    @BeforeEach
    void start() throws Exception {
        redis = RedisServer.start();
        cluster = "c" + System.nanoTime();
        for (int i = 1; i <= 3; i++) {
            nodes.add(node("n" + i));
        }
    }

    private WsCluster node(String id) {
        return WsCluster.builder().options(NodeOptions.builder().host("127.0.0.1").port(0).nodeId(id).jwtSecret(SECRET)
                .redisUrl(redis.url()).cluster(cluster).heartbeat(Duration.ofMillis(200)).shutdownTimeout(Duration.ofSeconds(2))
                .build()).start();
    }

    @AfterEach
    void stop() {
        clients.forEach(TestClient::close);
        nodes.forEach(WsCluster::stop);
        redis.stop();
    }

    private TestClient connect(int node, String user) throws Exception {
        TestClient.Options o = TestClient.options(nodes.get(node).url());
        TestClient c = TestClient.connect(user == null ? o : o.withBearer(Tokens.hs256(SECRET, user)));
        clients.add(c);
        c.next("welcome");
        return c;
    }

    private static JsonNode subscribe(TestClient c, String room) {
        JsonNode r = c.request(c.frame("subscribe").put("room", room));
        assertThat(r.path("op").asText()).as(r.toString()).isEqualTo("subscribed");
        return r;
    }

    @Test
    void aMessagePublishedOnOneNodeReachesSubscribersOnEveryNodeInOrder() throws Exception {
        TestClient[] subs = {connect(0, null), connect(1, null), connect(2, null)};
        for (TestClient s : subs) {
            subscribe(s, "prices");
        }
        TestClient pub0 = connect(0, null);
        TestClient pub2 = connect(2, null);
        for (int i = 0; i < 30; i++) {
            TestClient p = i % 2 == 0 ? pub0 : pub2;
            JsonNode ack = p.request(p.frame("publish").put("room", "prices").put("data", i));
            assertThat(ack.path("op").asText()).isEqualTo("ack");
        }
        for (TestClient s : subs) {
            List<JsonNode> got = s.messages(30);
            for (int i = 0; i < 30; i++) {
                assertThat(got.get(i).path("offset").asLong()).isEqualTo(i + 1);
            }
        }
    }

    @Test
    void usersAndBroadcastsReachEveryNode() throws Exception {
        TestClient aliceOn1 = connect(1, "alice");
        TestClient aliceOn2 = connect(2, "alice");
        TestClient bob = connect(0, "bob");
        JsonNode ack = bob.request(bob.frame("send").put("user", "alice").put("data", "hi"));
        assertThat(ack.path("op").asText()).isEqualTo("ack");
        for (TestClient a : new TestClient[] {aliceOn1, aliceOn2}) {
            JsonNode m = a.next("message");
            assertThat(m.path("user").asText()).isEqualTo("alice");
            assertThat(m.path("from").asText()).isEqualTo("bob");
        }
        bob.request(bob.frame("broadcast").put("data", "everyone"));
        for (TestClient c : new TestClient[] {aliceOn1, aliceOn2, bob}) {
            assertThat(c.next("message").path("broadcast").asBoolean()).isTrue();
        }
    }

    @Test
    void aClientRecoversOnAnotherNodeThanTheOneItLeft() throws Exception {
        TestClient first = connect(0, null);
        JsonNode sub = subscribe(first, "feed");
        TestClient pub = connect(1, null);
        pub.request(pub.frame("publish").put("room", "feed").put("data", 1));
        JsonNode seen = first.next("message");
        first.close();
        for (int i = 2; i <= 5; i++) {
            pub.request(pub.frame("publish").put("room", "feed").put("data", i));
        }
        TestClient again = connect(2, null);
        var req = again.frame("subscribe").put("room", "feed");
        req.putObject("since").put("epoch", sub.path("epoch").asText()).put("offset", seen.path("offset").asLong());
        JsonNode resumed = again.request(req);
        assertThat(resumed.path("recovered").asBoolean()).isTrue();
        assertThat(again.messages(4)).extracting(m -> m.path("data").asInt()).containsExactly(2, 3, 4, 5);
    }

    @Test
    void presenceIsClusterWideAndAStoppedNodesEntriesGo() throws Exception {
        subscribe(connect(0, "ann"), "lobby");
        subscribe(connect(1, "ben"), "lobby");
        subscribe(connect(2, null), "lobby");
        TestClient asker = connect(1, null);
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            JsonNode p = asker.request(asker.frame("presence").put("room", "lobby"));
            assertThat(p.path("connections").asInt()).isEqualTo(3);
            assertThat(p.path("users")).extracting(JsonNode::asText).containsExactly("ann", "ben");
        });
        nodes.get(0).stop();
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            JsonNode p = asker.request(asker.frame("presence").put("room", "lobby"));
            assertThat(p.path("users")).extracting(JsonNode::asText).containsExactly("ben");
        });
    }

    @Test
    void everyNodeListsTheWholeClusterWithTotals() throws Exception {
        connect(0, null);
        connect(2, null);
        HttpClient http = HttpClient.newHttpClient();
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(nodes.get(1).httpUrl() + "/api/cluster")).build(),
                    HttpResponse.BodyHandlers.ofString());
            JsonNode body = Encoding.JSON.mapper().readTree(r.body());
            assertThat(body.path("nodes")).extracting(n -> n.path("id").asText()).containsExactly("n1", "n2", "n3");
            assertThat(body.path("totals").path("connections").asInt()).isEqualTo(2);
        });
    }

    @Test
    void aNodeThatCannotReachRedisSaysSoInOneLine() {
        assertThatThrownBy(() -> WsCluster.builder().options(NodeOptions.builder().host("127.0.0.1").port(0)
                .redisUrl("redis://127.0.0.1:1").redisRetry(false).build()).start())
                .isInstanceOf(StartupException.class)
                .hasMessageStartingWith("redis: cannot reach redis://127.0.0.1:1")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }

    @Test
    void aNodeStartedWithRedisDownWaitsForItWithBackoffAndThenServes() throws Exception {
        redis.kill();
        java.util.concurrent.CompletableFuture<WsCluster> late = java.util.concurrent.CompletableFuture.supplyAsync(() -> node("late"));
        Thread.sleep(1500);
        assertThat(late).isNotDone();
        redis.restart();
        WsCluster node = late.get(30, java.util.concurrent.TimeUnit.SECONDS);
        nodes.add(node);
        TestClient c = TestClient.connect(node.url());
        clients.add(c);
        c.next("welcome");
        assertThat(c.request(c.frame("publish").put("room", "r").put("data", 1)).path("op").asText()).isEqualTo("ack");
    }

    @Test
    void publishesAnswerUnavailableWhileRedisIsDownAndLocalDeliveryGoesOn() throws Exception {
        TestClient sub = connect(0, null);
        subscribe(sub, "r");
        TestClient alice = connect(0, "alice");
        redis.kill();
        JsonNode refused = sub.request(sub.frame("publish").put("room", "r").put("data", 1));
        assertThat(refused.path("op").asText()).isEqualTo("error");
        assertThat(refused.path("code").asText()).isEqualTo("unavailable");
        redis.restart();
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            JsonNode ack = sub.request(sub.frame("publish").put("room", "r").put("data", 2));
            assertThat(ack.path("op").asText()).isEqualTo("ack");
        });
        // Resubscribed by itself: the message of that ack (or a later one) arrives.
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            sub.request(sub.frame("publish").put("room", "r").put("data", 3));
            assertThat(sub.nextMatching(m -> "message".equals(m.path("op").asText()), Duration.ofSeconds(1))).isNotNull();
        });
        assertThat(alice.request(alice.frame("ping")).path("op").asText()).isEqualTo("pong");
    }
}

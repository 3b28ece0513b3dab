package io.wscluster.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import io.wscluster.LocalNodes;
import io.wscluster.NodeOptions;
import io.wscluster.StartupException;
import io.wscluster.codec.Encoding;
import io.wscluster.redis.BusOptions;
import io.wscluster.testkit.SharedRedis;
import io.wscluster.testkit.TestClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static io.wscluster.cluster.RedisNodes.subscribe;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** Three nodes on a real three-master Redis Cluster ({@code redis-cluster://} URL) are one service. */
class RedisClusterModeIT {
    @RegisterExtension
    static final SharedRedis redis = SharedRedis.cluster();

    @RegisterExtension
    final RedisNodes nodes = new RedisNodes(redis);

    @Test
    void roomMessagesUsersAndBroadcastsCrossNodesInOrder() throws Exception {
        List<String> rooms = List.of("prices", "news", "chat-1", "chat-2", "chat-3", "chat-4");
        TestClient[] subs = {nodes.connect(0, "alice"), nodes.connect(1, null), nodes.connect(2, null)};
        for (TestClient s : subs) {
            for (String room : rooms) {
                subscribe(s, room);
            }
        }
        TestClient pub0 = nodes.connect(0, null);
        TestClient pub2 = nodes.connect(2, "bob");
        for (int i = 0; i < 10; i++) {
            for (String room : rooms) {
                TestClient p = i % 2 == 0 ? pub0 : pub2;
                JsonNode ack = p.request(p.frame("publish").put("room", room).put("data", i));
                assertThat(ack.path("op").asText()).as(ack.toString()).isEqualTo("ack");
            }
        }
        for (TestClient s : subs) {
            List<JsonNode> got = s.messages(10 * rooms.size());
            for (String room : rooms) {
                assertThat(got).filteredOn(m -> room.equals(m.path("room").asText()))
                        .extracting(m -> m.path("offset").asLong())
                        .containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L);
            }
        }

        JsonNode sent = pub2.request(pub2.frame("send").put("user", "alice").put("data", "hi"));
        assertThat(sent.path("op").asText()).isEqualTo("ack");
        JsonNode direct = subs[0].next("message");
        assertThat(direct.path("user").asText()).isEqualTo("alice");
        assertThat(direct.path("from").asText()).isEqualTo("bob");

        pub2.request(pub2.frame("broadcast").put("data", "everyone"));
        for (TestClient c : subs) {
            assertThat(c.next("message").path("broadcast").asBoolean()).isTrue();
        }
    }

    @Test
    void presenceIsClusterWideAndTheApiListsEveryNode() throws Exception {
        subscribe(nodes.connect(0, "ann"), "lobby");
        subscribe(nodes.connect(1, "ben"), "lobby");
        subscribe(nodes.connect(2, null), "lobby");
        TestClient asker = nodes.connect(1, null);
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            JsonNode p = asker.request(asker.frame("presence").put("room", "lobby"));
            assertThat(p.path("connections").asInt()).isEqualTo(3);
            assertThat(p.path("users")).extracting(JsonNode::asText).containsExactly("ann", "ben");
        });

        HttpClient http = HttpClient.newHttpClient();
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(nodes.get(2).adminUrl() + "/api/cluster")).build(),
                    HttpResponse.BodyHandlers.ofString());
            JsonNode body = Encoding.JSON.mapper().readTree(r.body());
            assertThat(body.path("nodes")).extracting(n -> n.path("id").asText()).containsExactly("n1", "n2", "n3");
            assertThat(body.path("totals").path("connections").asInt()).isEqualTo(4);
        });

        nodes.get(0).stop();
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            JsonNode p = asker.request(asker.frame("presence").put("room", "lobby"));
            assertThat(p.path("users")).extracting(JsonNode::asText).containsExactly("ben");
        });
    }

    @Test
    void theSchemeSelectsClusterModeAndABadClusterUrlIsRefused() {
        assertThat(NodeOptions.builder().bus(bus -> bus.redisUrl("redis-cluster://a:7000,b:7001")).build().bus().redisUrl())
                .isEqualTo("redis-cluster://a:7000,b:7001");
        assertThatThrownBy(() -> BusOptions.builder().redisUrl("redis-cluster://"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("redis-cluster://host:port");
        assertThatThrownBy(() -> BusOptions.builder().redisUrl("cluster://a:7000"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aNodeThatCannotReachTheRedisClusterSaysSoInOneLine() {
        assertThatThrownBy(() -> LocalNodes.builder().options(o -> o.bus(bus -> bus.redisUrl("redis-cluster://127.0.0.1:1,127.0.0.1:2").redisRetry(false)))
                .start(1))
                .isInstanceOf(StartupException.class)
                .hasMessageStartingWith("redis: cannot reach redis-cluster://127.0.0.1:1,127.0.0.1:2")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }
}

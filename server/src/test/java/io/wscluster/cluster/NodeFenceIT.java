package io.wscluster.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.wscluster.NodeFixture;
import io.wscluster.WsCluster;
import io.wscluster.testkit.FaultProxy;
import io.wscluster.testkit.SharedRedis;
import io.wscluster.testkit.TestClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A node cut off from Redis while its peer is not sends its clients to the peer and takes none
 * until Redis answers again; a Redis that is down for everyone sends nobody anywhere. n2 reaches
 * Redis through a {@link FaultProxy}; 300 ms heartbeats, so a lease of 900 ms.
 */
class NodeFenceIT {
    private static final Duration HEARTBEAT = Duration.ofMillis(300);

    @RegisterExtension
    static final SharedRedis redis = new SharedRedis();
    @RegisterExtension
    final NodeFixture nodes = new NodeFixture();

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private FaultProxy proxy;
    private WsCluster n1;
    private WsCluster n2;

    @BeforeEach
    void start() throws Exception {
        proxy = FaultProxy.to(redis.server().port());
        String cluster = SharedRedis.namespace();
        n1 = nodes.start(o -> o.nodeId("n1").bus(b -> b.redisUrl(redis.url()).cluster(cluster).heartbeat(HEARTBEAT)));
        n2 = nodes.start(o -> o.nodeId("n2").bus(b -> b.redisUrl(proxy.url()).cluster(cluster).heartbeat(HEARTBEAT)));
        Thread.sleep(1_000); // each has seen the other in its directory
    }

    @AfterEach
    void stop() {
        proxy.close();
    }

    @Test
    void aNodeCutOffFromRedisSendsItsClientsToItsPeerAndComesBackWhenRedisAnswers() throws Exception {
        TestClient client = nodes.open(TestClient.options(n2.url()));
        long cut = System.nanoTime();
        proxy.blackhole();

        JsonNode reconnect = client.nextMatching(f -> f.path("op").asText().equals("reconnect"), Duration.ofSeconds(15));
        Duration took = Duration.ofNanos(System.nanoTime() - cut);
        assertThat(reconnect).as("sent away").isNotNull();
        assertThat(reconnect.path("reason").asText()).isEqualTo("isolated");
        assertThat(reconnect.path("url").asText()).isEqualTo(n1.url());
        assertThat(client.awaitClose(Duration.ofSeconds(5)).code()).isEqualTo(1012);
        assertThat(ready(n2)).as("not ready while fenced").isEqualTo(503);
        assertThat(health(n1)).contains("\"redis\":\"ok\"");
        assertThat(health(n2)).contains("\"redis\":\"unreachable\"");
        System.out.println("n2 sent its client away " + took.toMillis() + " ms after its link to Redis went silent");

        proxy.pass();
        await().atMost(Duration.ofSeconds(20)).until(() -> ready(n2) == 200);
        TestClient again = nodes.open(TestClient.options(n2.url()));
        assertThat(again.request(again.frame("ping")).path("op").asText()).isEqualTo("pong");
    }

    @Test
    void aRedisDownForEveryoneSendsNobodyAway() throws Exception {
        TestClient on1 = nodes.open(TestClient.options(n1.url()));
        TestClient on2 = nodes.open(TestClient.options(n2.url()));
        redis.server().kill();
        Thread.sleep(4_000); // over four leases without any heartbeat getting through, anywhere
        assertThat(on1.isOpen()).isTrue();
        assertThat(on2.isOpen()).isTrue();
        assertThat(on1.poll(Duration.ofMillis(100))).as("no reconnect frame").isNull();
        assertThat(on2.poll(Duration.ofMillis(100))).as("no reconnect frame").isNull();
        assertThat(ready(n2)).isEqualTo(200);
        redis.server().restart();
    }

    private int ready(WsCluster node) throws Exception {
        return get(node, "/ready").statusCode();
    }

    private String health(WsCluster node) throws Exception {
        return get(node, "/health").body();
    }

    private HttpResponse<String> get(WsCluster node, String path) throws Exception {
        URI ws = URI.create(node.url());
        return http.send(HttpRequest.newBuilder(URI.create("http://" + ws.getRawAuthority() + path)).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}

package io.wscluster.transport;

import com.fasterxml.jackson.databind.JsonNode;
import io.wscluster.NodeFixture;
import io.wscluster.WsCluster;
import io.wscluster.cluster.NodeState;
import io.wscluster.failover.DrainOptions;
import io.wscluster.testkit.TestClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** A graceful stop: not ready, no new connections, reconnect + 1001 for everyone, bounded by the timeout. */
class ShutdownIT {
    @RegisterExtension
    final NodeFixture nodes = new NodeFixture();
    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void everyClientIsAskedToReconnectAndClosedWith1001() throws Exception {
        WsCluster node = nodes.start(o -> o.drain(d -> d.shutdownTimeout(DrainOptions.DEFAULT_SHUTDOWN_TIMEOUT)));
        try (TestClient a = TestClient.connect(node.url()); TestClient b = TestClient.connect(TestClient.options(node.url())
                .withEncoding(io.wscluster.codec.Encoding.MSGPACK))) {
            a.request(a.frame("subscribe").put("room", "r"));
            node.stop();
            for (TestClient c : new TestClient[] {a, b}) {
                JsonNode reconnect = c.next("reconnect");
                assertThat(reconnect.path("reason").asText()).isEqualTo("shutdown");
                assertThat(reconnect.path("after_ms").asLong()).isBetween(0L, 1000L);
                assertThat(c.awaitClose(Duration.ofSeconds(5)).code()).isEqualTo(1001);
            }
            assertThat(node.state()).isEqualTo(NodeState.OFFLINE);
        }
    }

    @Test
    void whileDrainingReadyIs503AndUpgradesAreRefusedAndTheTimeoutBoundsTheStop() throws Exception {
        WsCluster node = nodes.start(o -> o.drain(d -> d.shutdownTimeout(Duration.ofSeconds(4)))
                .transport(t -> t.outboundBufferLimit(64 * 1024 * 1024)));
        TestClient stuck = TestClient.connect(node.url());
        try {
            // A client that does not read, with a full outbound queue, keeps the node draining for a while.
            stuck.request(stuck.frame("subscribe").put("room", "big"));
            stuck.reading(false);
            String pad = "y".repeat(32 * 1024);
            for (int i = 0; i < 200; i++) {
                node.publish("big", Map.of("pad", pad)).toCompletableFuture().join();
            }
            long started = System.nanoTime();
            CompletableFuture<Void> stopping = CompletableFuture.runAsync(node::stop);
            await().atMost(Duration.ofSeconds(3)).until(() -> node.state() == NodeState.DRAINING);

            HttpResponse<String> ready = http.send(HttpRequest.newBuilder(URI.create(node.httpUrl() + "/ready")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(ready.statusCode()).isEqualTo(503);
            assertThatThrownBy(() -> TestClient.connect(node.url()))
                    .isInstanceOfSatisfying(TestClient.Refused.class, r -> assertThat(r.status()).isEqualTo(503));

            stopping.get(10, java.util.concurrent.TimeUnit.SECONDS);
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(8));
            assertThat(node.state()).isEqualTo(NodeState.OFFLINE);
        } finally {
            stuck.close();
            node.stop();
        }
    }
}

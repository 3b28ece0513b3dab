package io.wscluster.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.wscluster.NodeFixture;
import io.wscluster.WsCluster;
import io.wscluster.testkit.RawHttp;
import io.wscluster.testkit.TestClient;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code GET /api/connections/top}: a client that stopped reading comes first, with what waits for it, and memory per connection. */
class ConnectionsTopIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String DATA = "x".repeat(4000);

    @RegisterExtension
    final NodeFixture fixture = new NodeFixture();

    @Test
    void theReaderFurthestBehindComesFirst() throws Exception {
        // A limit far above what is sent: the reader falls behind without being closed.
        WsCluster node = fixture.start(o -> NodeFixture.permissive(o).transport(t -> t.outboundBufferLimit(64 << 20)));
        try (TestClient quick = TestClient.connect(node.url()); TestClient slow = TestClient.connect(node.url())) {
            String quickId = quick.next("welcome").path("session").asText();
            String slowId = slow.next("welcome").path("session").asText();
            for (TestClient c : new TestClient[] {quick, slow}) {
                c.request(c.frame("subscribe").put("room", "feed"));
            }
            slow.reading(false);
            // The kernel's buffers on loopback take megabytes before the node's queue begins: send until the slow
            // reader's has (at most 40 MB, under the limit). The quick one may be blocked a moment too, under load.
            int sent = 0;
            while (sent < 10_000 && blockedMillis(top(node, ""), slowId) == 0) {
                for (int i = 0; i < 250; i++, sent++) {
                    node.publish("feed", DATA).toCompletableFuture().get();
                }
            }
            int published = sent;
            await().atMost(Duration.ofSeconds(10)).until(() -> {
                JsonNode all = top(node, "");
                return blockedMillis(all, slowId) > 0 && all.path("top").get(0).path("session").asText().equals(slowId);
            });
            JsonNode answer = top(node, "?n=1");
            assertThat(answer.path("connections").asInt()).isEqualTo(2);
            assertThat(answer.path("top")).hasSize(1);
            JsonNode first = answer.path("top").get(0);
            assertThat(first.path("session").asText()).isEqualTo(slowId);
            assertThat(first.path("queued_bytes").asLong()).as("beyond the socket's high-water mark").isGreaterThan(64 * 1024);
            assertThat(first.path("rooms").asInt()).isEqualTo(1);
            assertThat(first.path("age_seconds").asLong()).isBetween(0L, 60L);
            assertThat(answer.path("blocked_connections").asInt()).isBetween(1, 2);
            JsonNode memory = answer.path("memory");
            assertThat(memory.path("heap_per_connection_bytes").asLong()).isPositive();
            assertThat(memory.path("heap_per_connection_bytes").asLong() * 2).isBetween(memory.path("heap_used_bytes").asLong() - 2,
                    memory.path("heap_used_bytes").asLong() + 2);
            assertThat(memory.has("kernel_per_connection_bytes")).isTrue();

            JsonNode both = top(node, "");
            assertThat(both.path("top").get(1).path("session").asText()).isEqualTo(quickId);
            assertThat(both.path("top").get(1).path("queued_bytes").asLong()).isLessThan(first.path("queued_bytes").asLong());
            await().atMost(Duration.ofSeconds(10)).until(() -> top(node, "").path("top").get(1).path("bytes_sent").asLong()
                    > published * 4000L); // every message, once the loop has written them all
            slow.reading(true);
        }
        assertThat(RawHttp.send(node.adminUrl(), "GET", "/api/connections/top?n=0").status()).isEqualTo(400);
    }

    private static long blockedMillis(JsonNode top, String session) {
        for (JsonNode c : top.path("top")) {
            if (c.path("session").asText().equals(session)) {
                return c.path("blocked_ms").asLong();
            }
        }
        return 0;
    }

    private static JsonNode top(WsCluster node, String query) throws Exception {
        RawHttp.Answer a = RawHttp.send(node.adminUrl(), "GET", "/api/connections/top" + query);
        assertThat(a.status()).as(a.body()).isEqualTo(200);
        return JSON.readTree(a.body());
    }
}

package io.wscluster.transport;

import static io.wscluster.transport.Wire.offsets;
import static io.wscluster.transport.Wire.publish;
import static io.wscluster.transport.Wire.range;
import static io.wscluster.transport.Wire.subscribe;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.wscluster.NodeFixture;
import io.wscluster.WsCluster;
import io.wscluster.codec.Message;
import io.wscluster.testkit.TestClient;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Subscribe with {@code since}: replay from history, then live, with no gap and no duplicate at the seam. */
class RecoveryIT {
    @RegisterExtension
    final NodeFixture nodes = new NodeFixture();

    @Test
    void sinceReplaysWhatFollowsThenGoesLive() throws Exception {
        nodes.start();
        TestClient publisher = nodes.open();
        String epoch = publishAll(publisher, "feed", 10);

        TestClient c = nodes.open();
        JsonNode subscribed = subscribe(c, "feed", epoch, 3);
        assertThat(subscribed.path("recovered").asBoolean()).as("subscribed %s", subscribed).isTrue();
        assertThat(subscribed.path("epoch").asText()).isEqualTo(epoch);
        assertThat(subscribed.path("offset").asLong()).isEqualTo(10);
        List<JsonNode> replayed = c.messages(7);
        assertThat(offsets(replayed)).isEqualTo(range(4, 10));
        assertThat(replayed).extracting(m -> m.path("data").asText()).containsExactly("d4", "d5", "d6", "d7", "d8", "d9", "d10");

        publish(publisher, "feed", "d11");
        publish(publisher, "feed", "d12");
        assertThat(offsets(c.messages(2))).containsExactly(11L, 12L);
        Wire.assertSilent(c);
    }

    @Test
    void sinceTheLatestOffsetRecoversNothingAndGoesLive() throws Exception {
        nodes.start();
        TestClient publisher = nodes.open();
        String epoch = publishAll(publisher, "feed", 4);

        TestClient c = nodes.open();
        assertThat(subscribe(c, "feed", epoch, 4).path("recovered").asBoolean()).isTrue();
        Wire.assertSilent(c);
        publish(publisher, "feed", "d5");
        assertThat(offsets(c.messages(1))).containsExactly(5L);
    }

    @Test
    void wrongEpochIsNotRecoveredAndNothingIsReplayed() throws Exception {
        nodes.start();
        TestClient publisher = nodes.open();
        String epoch = publishAll(publisher, "feed", 10);

        TestClient c = nodes.open();
        JsonNode subscribed = subscribe(c, "feed", epoch + "-old", 3);
        assertThat(subscribed.path("recovered").asBoolean()).isFalse();
        assertThat(subscribed.path("epoch").asText()).isEqualTo(epoch);
        assertThat(subscribed.path("offset").asLong()).isEqualTo(10);
        Wire.assertSilent(c);

        publish(publisher, "feed", "d11");
        assertThat(offsets(c.messages(1))).containsExactly(11L);
    }

    @Test
    void sinceOlderThanTheHistoryIsNotRecovered() throws Exception {
        nodes.start(o -> o.history(h -> h.size(5)));
        TestClient publisher = nodes.open();
        String epoch = publishAll(publisher, "feed", 20);

        TestClient c = nodes.open();
        JsonNode subscribed = subscribe(c, "feed", epoch, 2);
        assertThat(subscribed.path("recovered").asBoolean()).isFalse();
        assertThat(subscribed.path("offset").asLong()).isEqualTo(20);
        Wire.assertSilent(c);

        // Just inside what history keeps (16..20) is recovered.
        TestClient inside = nodes.open();
        assertThat(subscribe(inside, "feed", epoch, 15).path("recovered").asBoolean()).isTrue();
        assertThat(offsets(inside.messages(5))).isEqualTo(range(16, 20));
    }

    @Test
    void noGapAndNoDuplicateAtTheSeamWhilePublishingContinues() throws Exception {
        int total = 2000;
        int[] subscribeAt = {200, 700, 1200};
        int replay = 100;
        WsCluster node = nodes.start(o -> o.history(h -> h.size(total)));
        List<TestClient> clients = new ArrayList<>();
        for (int i = 0; i < subscribeAt.length; i++) {
            clients.add(nodes.open());
        }
        // The publishing thread itself sends each subscribe request mid-stream and publishes on at
        // once, so the server reads history while appends keep coming.
        CompletableFuture<Void> publishing = CompletableFuture.runAsync(() -> {
            int next = 0;
            for (int i = 1; i <= total; i++) {
                Message placed = node.publish("seam", "s" + i).toCompletableFuture().join();
                if (next < subscribeAt.length && i == subscribeAt[next]) {
                    TestClient c = clients.get(next++);
                    ObjectNode subscribe = c.frame("subscribe").put("id", 1).put("room", "seam");
                    subscribe.putObject("since").put("epoch", placed.epoch()).put("offset", i - replay);
                    c.send(subscribe);
                }
            }
        });

        for (int i = 0; i < subscribeAt.length; i++) {
            TestClient c = clients.get(i);
            long since = subscribeAt[i] - replay;
            JsonNode subscribed = c.next("subscribed");
            assertThat(subscribed.path("recovered").asBoolean()).as("subscribed %s", subscribed).isTrue();
            List<JsonNode> got = c.messages((int) (total - since));
            assertThat(offsets(got)).as("subscriber %d, since %d", i, since).isEqualTo(range(since + 1, total));
            assertThat(got).allSatisfy(m -> assertThat(m.path("data").asText()).isEqualTo("s" + m.path("offset").asLong()));
        }
        publishing.get(TestClient.TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        for (TestClient c : clients) {
            Wire.assertSilent(c);
        }
    }

    @Test
    void reconnectWithSinceGetsExactlyTheMissedMessages() throws Exception {
        nodes.start();
        TestClient publisher = nodes.open();
        TestClient first = nodes.open();
        JsonNode subscribed = subscribe(first, "chat");
        String epoch = subscribed.path("epoch").asText();
        publishAll(publisher, "chat", 3);
        long lastSeen = offsets(first.messages(3)).get(2);
        first.close();
        await().atMost(TestClient.TIMEOUT).until(() -> !first.isOpen());

        for (int i = 4; i <= 8; i++) {
            publish(publisher, "chat", "d" + i);
        }

        TestClient again = nodes.open();
        JsonNode resubscribed = subscribe(again, "chat", epoch, lastSeen);
        assertThat(resubscribed.path("recovered").asBoolean()).isTrue();
        List<JsonNode> missed = again.messages(5);
        assertThat(offsets(missed)).isEqualTo(range(4, 8));
        assertThat(missed).extracting(m -> m.path("data").asText()).containsExactly("d4", "d5", "d6", "d7", "d8");
        Wire.assertSilent(again);

        publish(publisher, "chat", "d9");
        assertThat(offsets(again.messages(1))).containsExactly(9L);
    }

    /** Publishes {@code d1..dN} and returns the room's epoch. */
    private static String publishAll(TestClient publisher, String room, int n) {
        for (int i = 1; i <= n; i++) {
            assertThat(publish(publisher, room, "d" + i).path("offset").asLong()).isEqualTo(i);
        }
        return publisher.request(publisher.frame("history").put("room", room).put("limit", 1)).path("epoch").asText();
    }
}

package io.wscluster.transport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.wscluster.NodeFixture;
import io.wscluster.WsCluster;
import io.wscluster.metrics.NodeMetrics;
import io.wscluster.protocol.CloseCode;
import io.wscluster.security.NamespaceSpec;
import io.wscluster.security.OverflowPolicy;
import io.wscluster.testkit.TestClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static io.wscluster.transport.Wire.subscribe;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A deliberately slow reader (it stops reading while 24 MB are published to its room, far more
 * than the sockets' buffers and its 1 MiB outbound limit) on a real node: in a {@code drop-oldest}
 * namespace it stays connected, gets a {@code gap} frame naming what was dropped, recovers those
 * with {@code history}, and so has every message; in the default namespace it is closed as a slow
 * consumer, as before.
 */
class OverflowPoliciesIT {
    private static final int MESSAGES = 3000;
    private static final String DATA = "x".repeat(8000);

    @RegisterExtension
    final NodeFixture nodes = new NodeFixture();

    /** @param outboundLimit the connections' outbound buffer limit */
    private WsCluster start(int outboundLimit) {
        return nodes.start(o -> o.history(h -> h.size(MESSAGES)).transport(t -> t.outboundBufferLimit(outboundLimit))
                .security(s -> s.namespaces(List.of(
                        new NamespaceSpec("feed", null, null, null, null, null, null, null, null, OverflowPolicy.DROP_OLDEST),
                        new NamespaceSpec("ticker", null, null, null, null, null, null, null, null, OverflowPolicy.LATEST_PER_KEY)))));
    }

    @Test
    void aSlowReaderOfADropOldestRoomIsToldWhatItMissedAndRecoversIt() throws Exception {
        // Room for the recovery below, whose replay goes out at once; holding back starts at the
        // socket's 64 KiB mark whatever this limit is.
        WsCluster node = start(64 << 20);
        TestClient slow = nodes.open();
        subscribe(slow, "feed:news");
        slow.reading(false);
        for (int i = 1; i <= MESSAGES; i++) {
            node.publish("feed:news", DATA).toCompletableFuture().get();
        }
        slow.reading(true);

        TreeSet<Long> have = new TreeSet<>();
        List<JsonNode> gaps = new ArrayList<>();
        long last = 0;
        while (last < MESSAGES) {
            JsonNode f = slow.nextMatching(x -> x.path("op").asText().matches("message|gap"), TestClient.TIMEOUT);
            if (f.path("op").asText().equals("gap")) {
                gaps.add(f);
            } else {
                long offset = f.path("offset").asLong();
                assertThat(offset).as("offsets rise").isGreaterThan(last);
                last = offset;
                have.add(offset);
            }
        }
        assertThat(slow.isOpen()).as("a drop-oldest reader stays connected").isTrue();
        assertThat(gaps).as("told what was dropped").isNotEmpty();
        // Recovery as a client does it: subscribe again from before the first gap (history's one
        // answer would be one frame of every message at once).
        JsonNode first = gaps.get(0);
        slow.request(slow.frame("unsubscribe").put("room", "feed:news"));
        ObjectNode again = slow.frame("subscribe").put("room", "feed:news");
        again.putObject("since").put("epoch", first.path("epoch").asText()).put("offset", first.path("from").asLong() - 1);
        assertThat(slow.request(again).path("recovered").asBoolean()).isTrue();
        for (long offset = 0; offset < MESSAGES; ) {
            offset = slow.next("message").path("offset").asLong();
            have.add(offset);
        }
        assertThat(have).as("every message, live or recovered").hasSize(MESSAGES);
        assertThat(nodes.node().registry().find(NodeMetrics.OVERFLOW_DROPPED).tag("policy", "drop-oldest")
                .counter().count()).isPositive();
    }

    @Test
    void aSlowReaderOfALatestPerKeyRoomGetsTheNewestOfEveryKey() throws Exception {
        WsCluster node = start(TransportOptions.DEFAULT_OUTBOUND_BUFFER_LIMIT);
        TestClient slow = nodes.open();
        subscribe(slow, "ticker:fx");
        slow.reading(false);
        for (int i = 1; i <= MESSAGES; i++) {
            ObjectNode quote = slow.frame("quote").put("key", "pair-" + (i % 5)).put("price", i).put("pad", DATA);
            quote.remove("op");
            node.publish("ticker:fx", quote).toCompletableFuture().get();
        }
        slow.reading(true);

        JsonNode[] newest = new JsonNode[5];
        int gaps = 0;
        long last = 0;
        while (last < MESSAGES) {
            JsonNode f = slow.nextMatching(x -> x.path("op").asText().matches("message|gap"), TestClient.TIMEOUT);
            if (f.path("op").asText().equals("gap")) {
                gaps++;
                continue;
            }
            assertThat(f.path("offset").asLong()).as("offsets rise").isGreaterThan(last);
            last = f.path("offset").asLong();
            newest[(int) (f.path("data").path("price").asLong() % 5)] = f;
        }
        assertThat(slow.isOpen()).isTrue();
        assertThat(gaps).as("told that some were dropped").isPositive();
        for (int k = 0; k < 5; k++) {
            assertThat(newest[k].path("offset").asLong()).as("the newest of pair-%d arrived", k).isGreaterThan(MESSAGES - 5);
        }
    }

    @Test
    void aSlowReaderOfTheDefaultNamespaceIsStillDisconnected() throws Exception {
        WsCluster node = start(TransportOptions.DEFAULT_OUTBOUND_BUFFER_LIMIT);
        TestClient slow = nodes.open();
        subscribe(slow, "news");
        slow.reading(false);
        for (int i = 1; i <= MESSAGES && slow.isOpen(); i++) {
            node.publish("news", DATA).toCompletableFuture().get();
        }
        slow.reading(true);
        TestClient.CloseStatus closed = slow.awaitClose(Duration.ofSeconds(10));
        assertThat(closed.code()).isIn(CloseCode.POLICY_VIOLATION.code(), 1006);
    }
}

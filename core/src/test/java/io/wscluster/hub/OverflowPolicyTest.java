package io.wscluster.hub;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.wscluster.metrics.NodeMetrics;
import io.wscluster.codec.Encoding;
import io.wscluster.codec.Message;
import io.wscluster.codec.Payload;
import io.wscluster.protocol.Priority;
import io.wscluster.security.Namespace;
import io.wscluster.security.OverflowPolicy;
import io.wscluster.security.RoomAccess;
import io.wscluster.security.RoomPolicy;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a session that reads too slowly gets of rooms whose namespace drops rather than
 * disconnects: the socket's queue is full (the connection is not writable), messages are held
 * back, the policy drops some, and once the socket drains the client gets a gap frame, then what
 * was kept, in order, and nothing is left held.
 */
class OverflowPolicyTest {
    private final HubHarness h = new HubHarness(1, b -> b.rooms(new RoomPolicy(Namespace.open(""), Map.of(
            "feed", namespace("feed", OverflowPolicy.DROP_OLDEST),
            "ticker", namespace("ticker", OverflowPolicy.LATEST_PER_KEY)))));

    @AfterEach
    void close() {
        h.assertNoBufferLeft();
        h.close();
    }

    private static Namespace namespace(String name, OverflowPolicy overflow) {
        return new Namespace(name, RoomAccess.ANYONE, RoomAccess.ANYONE, RoomAccess.ANYONE, RoomAccess.ANYONE, true, null, null, null,
                overflow);
    }

    @Test
    void dropOldestKeepsTheNewestAndTellsTheRangeItDropped() {
        RecordingSession s = slowSubscriber("feed:news");
        int total = Backlog.MAX_MESSAGES + 500;
        for (int i = 1; i <= total; i++) {
            h.publish("feed:news", i);
        }
        h.settle();
        assertThat(s.offsets("feed:news")).as("nothing written while the socket is full").isEmpty();

        drains(s);
        JsonNode gap = only(s.frames("gap"));
        assertThat(gap.path("room").asText()).isEqualTo("feed:news");
        assertThat(gap.path("from").asLong()).isEqualTo(1);
        assertThat(gap.path("to").asLong()).isEqualTo(500);
        assertThat(s.offsets("feed:news")).containsExactlyElementsOf(LongStream.rangeClosed(501, total).boxed().toList());
        assertThat(opsAfterSubscribed(s).get(0)).as("the gap comes before the messages after it").isEqualTo("gap");
        assertThat(dropped("drop-oldest")).isEqualTo(500);
    }

    @Test
    void latestPerKeyKeepsTheNewestOfEachKeyInOffsetOrder() {
        RecordingSession s = slowSubscriber("ticker:fx");
        String[] keys = {"EURUSD", "GBPUSD", "USDJPY"};
        for (int i = 1; i <= 30; i++) {
            ObjectNode quote = JsonNodeFactory.instance.objectNode().put("key", keys[i % 3]).put("price", i);
            h.bridge.publish(Message.toRoom("ticker:fx", Payload.of(quote), null, Priority.NORMAL)).toCompletableFuture().join();
        }
        h.settle();
        drains(s);
        assertThat(s.offsets("ticker:fx")).as("the last of each key, in order").containsExactly(28L, 29L, 30L);
        JsonNode gap = only(s.frames("gap"));
        assertThat(gap.path("from").asLong()).isEqualTo(1);
        assertThat(gap.path("to").asLong()).isEqualTo(27);
        assertThat(dropped("latest-per-key")).isEqualTo(27);
    }

    @Test
    void roomsThatDisconnectAreWrittenAsBeforeAndTheTransportBoundsThem() {
        RecordingSession s = h.open(0, "u", Encoding.JSON);
        h.request(s, 1, "{\"op\":\"subscribe\",\"id\":1,\"room\":\"plain\"}");
        s.writable(false);
        for (int i = 1; i <= 5; i++) {
            h.publish("plain", i);
        }
        h.settle();
        assertThat(s.offsets("plain")).containsExactly(1L, 2L, 3L, 4L, 5L);
        assertThat(s.frames("gap")).isEmpty();
    }

    @Test
    void aResumePositionNeverCountsWhatIsStillHeldBack() throws Exception {
        RecordingSession s = slowSubscriber("feed:news");
        for (int i = 1; i <= 10; i++) {
            h.publish("feed:news", i);
        }
        h.settle();
        for (int look = 0; look < 2; look++) {
            h.hub.drainedPositions().toCompletableFuture().get();
        }
        assertThat(h.hub.drainedPositions().toCompletableFuture().get().get("feed:news").offset())
                .as("where a resume of this session would start: before what it was never sent").isZero();
        drains(s);
        h.hub.drainedPositions().toCompletableFuture().get();
        assertThat(h.hub.drainedPositions().toCompletableFuture().get().get("feed:news").offset()).isEqualTo(10);
    }

    @Test
    void whatIsHeldIsReleasedWhenTheSessionCloses() {
        RecordingSession s = slowSubscriber("feed:news");
        for (int i = 1; i <= 10; i++) {
            h.publish("feed:news", i);
        }
        h.settle();
        h.closed(s); // assertNoBufferLeft (after each test) checks the held frames were released
    }

    private RecordingSession slowSubscriber(String room) {
        RecordingSession s = h.open(0, "u", Encoding.JSON);
        h.request(s, 1, "{\"op\":\"subscribe\",\"id\":1,\"room\":\"" + room + "\"}");
        s.writable(false);
        return s;
    }

    /** The socket drains: the transport tells the hub, on the session's loop. */
    private void drains(RecordingSession s) {
        s.writable(true);
        h.loopOf(s).run(() -> h.requests.writable(s.session));
        h.settle();
    }

    private static List<String> opsAfterSubscribed(RecordingSession s) {
        List<String> ops = s.framesAfterWelcome().stream().map(f -> f.path("op").asText()).toList();
        return ops.subList(ops.indexOf("subscribed") + 1, ops.size());
    }

    private double dropped(String policy) {
        var counter = h.metrics.registry().find(NodeMetrics.OVERFLOW_DROPPED).tag("policy", policy).counter();
        return counter == null ? 0 : counter.count();
    }

    private static JsonNode only(List<JsonNode> frames) {
        assertThat(frames).hasSize(1);
        return frames.get(0);
    }
}

package io.wscluster.hub;

import static org.assertj.core.api.Assertions.assertThat;

import io.wscluster.codec.Encoding;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The bridge's interest in rooms, with shards joining and leaving one room at once. */
class BusBridgeTest {
    private final HubHarness h = new HubHarness(4);

    @AfterEach
    void close() {
        h.close();
    }

    @Test
    void subscribesAndUnsubscribesReachTheBusInTurnWhateverTheShardsRace() {
        List<RecordingSession> sessions = new ArrayList<>();
        for (int loop = 0; loop < 4; loop++) {
            sessions.add(h.open(loop, "u" + loop, Encoding.JSON));
        }
        long id = 1;
        for (int round = 0; round < 300; round++) {
            for (RecordingSession s : sessions) {
                h.frameLater(s, "{\"op\":\"subscribe\",\"id\":" + id++ + ",\"room\":\"r\"}");
                h.frameLater(s, "{\"op\":\"unsubscribe\",\"id\":" + id++ + ",\"room\":\"r\"}");
            }
        }
        h.settle();
        List<String> calls = h.bus.calls().stream().filter(c -> c.endsWith("Room r")).toList();
        assertThat(calls).isNotEmpty();
        for (int i = 0; i < calls.size(); i++) {
            assertThat(calls.get(i)).as("call %d of %s", i, calls.size()).isEqualTo(i % 2 == 0 ? "subscribeRoom r" : "unsubscribeRoom r");
        }
        assertThat(calls.size() % 2).as("the last shard's leave unsubscribed").isZero();
        for (RecordingSession s : sessions) {
            assertThat(s.frames("error")).isEmpty();
        }
    }

    @Test
    void aRoomHeldOnSeveralShardsIsSubscribedOnceAndLeftOnceTheLastShardLeaves() {
        RecordingSession a = h.open(0, "a", Encoding.JSON);
        RecordingSession b = h.open(1, "b", Encoding.JSON);
        RecordingSession c = h.open(1, "c", Encoding.JSON);
        for (RecordingSession s : List.of(a, b, c)) {
            h.request(s, 1, "{\"op\":\"subscribe\",\"id\":1,\"room\":\"r\"}");
        }
        h.request(b, 2, "{\"op\":\"unsubscribe\",\"id\":2,\"room\":\"r\"}");
        h.request(a, 2, "{\"op\":\"unsubscribe\",\"id\":2,\"room\":\"r\"}");
        assertThat(h.bus.calls()).filteredOn(x -> x.endsWith("Room r")).containsExactly("subscribeRoom r");
        h.closed(c);
        assertThat(h.bus.calls()).filteredOn(x -> x.endsWith("Room r")).containsExactly("subscribeRoom r", "unsubscribeRoom r");
    }
}

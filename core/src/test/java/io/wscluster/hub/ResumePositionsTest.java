package io.wscluster.hub;

import static org.assertj.core.api.Assertions.assertThat;

import io.wscluster.failover.SessionStore;
import io.wscluster.failover.StoredSessions;
import io.wscluster.protocol.StreamPosition;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What the hub tells the session store about where its sessions may resume: never past what a
 * subscriber's bytes had left the process up to, so a client that stopped reading, then lost its
 * node or was closed as a slow consumer, resumes without a gap.
 */
class ResumePositionsTest {
    private final AtomicReference<Map<String, StreamPosition>> nodePositions = new AtomicReference<>(Map.of());
    private final Map<String, Map<String, StreamPosition>> closedAt = new ConcurrentHashMap<>();
    private final Map<String, String> subscribedRooms = new ConcurrentHashMap<>();
    private final StoredSessions stored = new StoredSessions(new SessionStore() {
        @Override
        public CompletionStage<Saved> load(String sessionId) {
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public void subscribed(String sessionId, String userId, String room, StreamPosition at) {
            subscribedRooms.put(sessionId, room);
        }

        @Override
        public void unsubscribed(String sessionId, String room) {
        }

        @Override
        public void closed(String sessionId, Map<String, StreamPosition> drained) {
            closedAt.put(sessionId, drained);
        }

        @Override
        public void positions(Map<String, StreamPosition> drained) {
            nodePositions.set(drained);
        }
    });
    private final HubHarness h = new HubHarness(2, b -> b.records(stored));

    @AfterEach
    void close() {
        h.close();
    }

    @Test
    void aSubscriberWithBytesWaitingHoldsItsRoomsPositionBack() {
        RecordingSession reading = h.open(0, "alice", io.wscluster.codec.Encoding.JSON);
        RecordingSession stuck = h.open(1, "bob", io.wscluster.codec.Encoding.JSON);
        subscribe(reading, "r");
        subscribe(stuck, "r");
        subscribe(reading, "other");
        String epoch = h.position("r").epoch();
        publish("r", 3);

        assertThat(look()).containsEntry("r", new StreamPosition(epoch, 3));
        assertThat(nodePositions.get()).containsEntry("other", new StreamPosition(h.position("other").epoch(), 0)); // where it started
        stuck.backlog(true); // bob stops reading: what follows waits in his queues
        publish("r", 2);
        assertThat(look()).containsEntry("r", new StreamPosition(epoch, 3));
        assertThat(look()).containsEntry("r", new StreamPosition(epoch, 3));

        stuck.backlog(false); // he reads again: his queues empty
        assertThat(look()).containsEntry("r", new StreamPosition(epoch, 5));
    }

    @Test
    void aClosedSessionIsRecordedWhereItSurelyWasOneLookBehind() {
        RecordingSession alice = h.open("alice");
        subscribe(alice, "r");
        String epoch = h.position("r").epoch();
        publish("r", 2);
        look(); // drained at 2
        alice.backlog(true);
        publish("r", 3);
        look(); // still 2: settled at 2 from the look before
        look();

        h.closed(alice); // e.g. as a slow consumer: messages 3 to 5 never left the process
        assertThat(closedAt.get(alice.id())).isEqualTo(Map.of("r", new StreamPosition(epoch, 2)));
    }

    @Test
    void aSessionClosedBeforeAnyLookResumesWhereItStarted() {
        publish("r", 4); // the room is at 4 before alice comes
        RecordingSession alice = h.open("alice");
        subscribe(alice, "r");
        String epoch = h.position("r").epoch();
        publish("r", 1);
        h.closed(alice);
        assertThat(closedAt.get(alice.id())).isEqualTo(Map.of("r", new StreamPosition(epoch, 4)));
    }

    @Test
    void aClientThatTracksItsOwnPositionsIsNotRecordedAndHoldsNothingBack() {
        RecordingSession thin = h.open("alice");
        RecordingSession sdk = h.open(1, "bob", io.wscluster.codec.Encoding.JSON, SessionRecord.OWN_POSITIONS);
        subscribe(thin, "r");
        subscribe(sdk, "r");
        String epoch = h.position("r").epoch();
        sdk.backlog(true);
        publish("r", 3);
        assertThat(look()).containsEntry("r", new StreamPosition(epoch, 3));
        h.closed(sdk);
        assertThat(subscribedRooms).containsOnlyKeys(thin.id());
        assertThat(closedAt).doesNotContainKey(sdk.id());
    }

    private void subscribe(RecordingSession s, String room) {
        h.request(s, 1, "{\"op\":\"subscribe\",\"id\":1,\"room\":\"" + room + "\"}");
    }

    /** Publishes {@code n} messages and waits until every subscriber of the room has them. */
    private void publish(String room, int n) {
        long last = 0;
        for (int i = 0; i < n; i++) {
            last = h.publish(room, i).offset();
        }
        long offset = last;
        for (RecordingSession s : h.sessions) {
            if (s.rooms().contains(room)) {
                h.awaitFrame(s, f -> f.path("op").asText().equals("message") && f.path("offset").asLong() == offset);
            }
        }
        h.settle();
    }

    private Map<String, StreamPosition> look() {
        stored.recordPositions(h.hub).toCompletableFuture().join();
        return nodePositions.get();
    }
}

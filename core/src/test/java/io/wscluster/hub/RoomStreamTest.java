package io.wscluster.hub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.wscluster.history.HistoryRead;
import io.wscluster.codec.Message;
import io.wscluster.codec.Payload;
import io.wscluster.protocol.Priority;
import io.wscluster.protocol.StreamPosition;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * What a room's stream hands on when the bus delivers in order, leaves holes, restarts in another
 * epoch or resubscribes; the history reads are answered by the test, when it chooses.
 */
class RoomStreamTest {
    private final List<String> out = new CopyOnWriteArrayList<>();
    private final List<StreamPosition> reads = new CopyOnWriteArrayList<>();
    private final List<CompletableFuture<HistoryRead>> pending = new CopyOnWriteArrayList<>();
    private int repairs;
    private final RoomStream stream = new RoomStream("r", new RoomStream.Sink() {
        @Override
        public void message(Message m, boolean next) {
            out.add((next ? "" : "dup ") + m.epoch() + ":" + m.offset());
        }

        @Override
        public void restarted(StreamPosition at, String reason) {
            out.add("restart " + at.epoch() + ":" + at.offset() + " " + reason);
        }

        @Override
        public void repairing() {
            repairs++;
        }
    }, since -> {
        reads.add(since);
        CompletableFuture<HistoryRead> f = new CompletableFuture<>();
        pending.add(f);
        return f;
    }, Duration.ofMillis(5));

    @Test
    void messagesInOrderPassWithoutARead() {
        arrive("e", 1, 2, 3);
        assertThat(out).containsExactly("e:1", "e:2", "e:3");
        assertThat(reads).isEmpty();
    }

    @Test
    void aHoleIsFilledFromHistoryBeforeWhatCameAfterIt() {
        arrive("e", 1, 2, 4);
        assertThat(reads).containsExactly(new StreamPosition("e", 2));
        arrive("e", 5, 6); // while the read is on its way
        assertThat(out).containsExactly("e:1", "e:2");
        answer(0, read("e", 4, true, 3, 4));
        assertThat(out).containsExactly("e:1", "e:2", "e:3", "e:4", "dup e:4", "e:5", "e:6");
        assertThat(repairs).isEqualTo(1);
    }

    @Test
    void whereTheHistoryNoLongerReachesTheSubscribersAreToldBeforeWhatItStillHolds() {
        arrive("e", 1, 2, 12);
        answer(0, read("e", 12, false, 10, 11, 12));
        assertThat(out).containsExactly("e:1", "e:2", "restart e:9 history", "e:10", "e:11", "e:12", "dup e:12");
    }

    @Test
    void aNewEpochFromItsFirstOffsetWithNothingInterruptedIsNoLoss() {
        arrive("e", 1, 2);
        arrive("f", 1, 2);
        assertThat(out).containsExactly("e:1", "e:2", "f:1", "f:2");
        assertThat(reads).isEmpty();
    }

    @Test
    void aNewEpochAfterAnInterruptionIsToldEvenFromItsFirstOffset() {
        arrive("e", 1, 2);
        stream.interrupted();
        arrive("f", 1);
        answer(0, read("f", 1, false, 1));
        assertThat(out).containsExactly("e:1", "e:2", "restart f:0 epoch", "f:1", "dup f:1");
    }

    @Test
    void aNewEpochPastItsFirstOffsetIsReadFromItsStart() {
        arrive("e", 1, 2);
        arrive("f", 3);
        answer(0, read("f", 3, false, 1, 2, 3));
        assertThat(out).containsExactly("e:1", "e:2", "f:1", "f:2", "f:3", "dup f:3");
    }

    @Test
    void aResubscriptionReadsWhatWasPublishedMeanwhile() {
        arrive("e", 1, 2);
        stream.interrupted();
        stream.resubscribed();
        arrive("e", 5);
        answer(0, read("e", 5, true, 3, 4, 5));
        assertThat(out).containsExactly("e:1", "e:2", "e:3", "e:4", "e:5", "dup e:5");
    }

    @Test
    void aStreamThatWentBackToAnEarlierOffsetIsToldAndGoesOnFromThere() {
        arrive("e", 1, 2, 3, 4);
        stream.resubscribed(); // a failover to a replica that had received only 1 and 2
        answer(0, read("e", 2, true));
        arrive("e", 3, 4); // new messages, under offsets already handed on
        assertThat(out).containsExactly("e:1", "e:2", "e:3", "e:4", "restart e:2 rewound", "e:3", "e:4");
    }

    @Test
    void aResubscriptionThatMissedNothingTellsNothing() {
        arrive("e", 1, 2);
        stream.resubscribed();
        answer(0, read("e", 2, true));
        arrive("e", 3);
        assertThat(out).containsExactly("e:1", "e:2", "e:3");
    }

    @Test
    void aRoomWithoutHistoryThatMissedNothingTellsNothingAndOneThatMissedSomethingIsTold() {
        arrive("e", 1, 2);
        stream.resubscribed();
        answer(0, read("e", 2, false));
        assertThat(out).containsExactly("e:1", "e:2");
        arrive("e", 5);
        answer(1, read("e", 5, false));
        assertThat(out).containsExactly("e:1", "e:2", "restart e:4 history", "e:5");
    }

    @Test
    void aResubscriptionDuringARepairRepairsAgain() {
        arrive("e", 1, 3);
        stream.resubscribed();
        answer(0, read("e", 3, true, 2, 3));
        assertThat(reads).containsExactly(new StreamPosition("e", 1), new StreamPosition("e", 3));
        arrive("e", 5);
        answer(1, read("e", 5, true, 4, 5));
        assertThat(out).containsExactly("e:1", "e:2", "e:3", "e:4", "e:5", "dup e:3", "dup e:5");
    }

    @Test
    void aHistoryThatCannotBeReadIsRetriedThenGivenUpOnWithWhatWaitedHandedOn() {
        arrive("e", 1, 3, 4);
        for (int attempt = 0; attempt < RoomStream.ATTEMPTS; attempt++) {
            int i = attempt;
            await().atMost(Duration.ofSeconds(5)).until(() -> pending.size() > i);
            pending.get(i).completeExceptionally(new IllegalStateException("Redis is down"));
        }
        assertThat(out).containsExactly("e:1", "restart e:2 unavailable", "e:3", "e:4");
        arrive("e", 5);
        assertThat(out).endsWith("e:5");
    }

    @Test
    void tooMuchWaitingForARepairGivesItUp() {
        arrive("e", 1, 3);
        List<Long> more = new ArrayList<>();
        for (long o = 4; o < 4 + RoomStream.MAX_HELD; o++) {
            more.add(o);
        }
        arrive("e", more.stream().mapToLong(Long::longValue).toArray());
        assertThat(out).hasSize(2 + 1 + RoomStream.MAX_HELD).startsWith("e:1", "restart e:2 unavailable", "e:3");
        answer(0, read("e", 3, true, 2, 3));
        assertThat(out).as("the late read is dropped").hasSize(2 + 1 + RoomStream.MAX_HELD);
    }

    @Test
    void aPositionReadBySubscribersStartsTheStreamUntilAMessageComes() {
        stream.seen(new StreamPosition("e", 5));
        arrive("e", 7);
        assertThat(reads).containsExactly(new StreamPosition("e", 5));
        answer(0, read("e", 7, true, 6, 7));
        stream.seen(new StreamPosition("e", 1)); // a later subscriber's read changes nothing
        arrive("e", 8);
        assertThat(out).containsExactly("e:6", "e:7", "dup e:7", "e:8");
    }

    @Test
    void aClosedStreamHandsOnNothing() {
        arrive("e", 1, 3);
        stream.close();
        answer(0, read("e", 3, true, 2, 3));
        arrive("e", 4);
        assertThat(out).containsExactly("e:1");
    }

    private void arrive(String epoch, long... offsets) {
        for (long o : offsets) {
            stream.arrived(message(epoch, o));
        }
    }

    private void answer(int read, HistoryRead r) {
        pending.get(read).complete(r);
    }

    private static HistoryRead read(String epoch, long latest, boolean recovered, long... offsets) {
        List<Message> found = new ArrayList<>();
        for (long o : offsets) {
            found.add(message(epoch, o));
        }
        return new HistoryRead(new StreamPosition(epoch, latest), found, recovered);
    }

    private static Message message(String epoch, long offset) {
        return Message.toRoom("r", Payload.of(JsonNodeFactory.instance.textNode("m" + offset)), "u", Priority.NORMAL).at(epoch, offset);
    }
}

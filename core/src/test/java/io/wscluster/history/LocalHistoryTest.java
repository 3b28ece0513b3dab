package io.wscluster.history;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.wscluster.codec.Message;
import io.wscluster.codec.Payload;
import io.wscluster.protocol.Priority;
import io.wscluster.protocol.StreamPosition;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class LocalHistoryTest {
    private static final Duration TTL = Duration.ofMinutes(5);
    private final LocalHistory sut = new LocalHistory(5, TTL);

    private Message append(LocalHistory history, String room, int value) {
        return history.append(Message.toRoom(room, Payload.of(IntNode.valueOf(value)), null, Priority.NORMAL), m -> { });
    }

    private static StreamPosition position(HistoryStore h, String room) {
        return h.position(room).toCompletableFuture().join();
    }

    private static HistoryRead read(HistoryStore h, String room, StreamPosition since, int limit) {
        return h.read(room, since, limit).toCompletableFuture().join();
    }

    private static List<Long> offsets(HistoryRead read) {
        return read.messages().stream().map(Message::offset).toList();
    }

    @Test
    void offsetsStartAtOneAndIncreaseWithinOneEpoch() {
        Message first = append(sut, "r", 1);
        Message second = append(sut, "r", 2);
        assertThat(first.offset()).isEqualTo(1);
        assertThat(second.offset()).isEqualTo(2);
        assertThat(second.epoch()).isEqualTo(first.epoch()).isNotBlank();
        assertThat(first.data().tree()).isEqualTo(IntNode.valueOf(1));
        assertThat(position(sut, "r")).isEqualTo(new StreamPosition(first.epoch(), 2));
    }

    @Test
    void aRoomKeepsAtMostItsBytesAndAlwaysItsNewestMessage() {
        LocalHistory capped = new LocalHistory(HistoryLimits.uniform(50, TTL, 12)); // "1001" weighs 4 bytes
        for (int i = 1001; i <= 1005; i++) {
            append(capped, "r", i);
        }
        assertThat(read(capped, "r", null, 0).messages()).extracting(m -> m.data().tree().asInt()).containsExactly(1003, 1004, 1005);

        JsonNode big = TextNode.valueOf("x".repeat(20));
        capped.append(Message.toRoom("r", Payload.of(big), null, Priority.NORMAL), m -> { });
        assertThat(read(capped, "r", null, 0).messages()).extracting(m -> m.data().tree()).containsExactly(big);
    }

    @Test
    void roomsAreIndependent() {
        append(sut, "a", 1);
        append(sut, "a", 2);
        Message b = append(sut, "b", 1);
        assertThat(b.offset()).isEqualTo(1);
        assertThat(position(sut, "a").offset()).isEqualTo(2);
        assertThat(position(sut, "a").epoch()).isNotEqualTo(b.epoch());
    }

    @Test
    void theCallbackSeesThePlacedMessage() {
        List<Message> seen = new ArrayList<>();
        Message placed = sut.append(Message.toRoom("r", Payload.of(IntNode.valueOf(1)), "alice", Priority.HIGH), seen::add);
        assertThat(seen).containsExactly(placed);
        assertThat(placed.from()).isEqualTo("alice");
        assertThat(placed.priority()).isEqualTo(Priority.HIGH);
    }

    @Test
    void aFreshRoomIsAtOffsetZeroWithAStableEpoch() {
        StreamPosition p1 = position(sut, "fresh");
        StreamPosition p2 = position(sut, "fresh");
        assertThat(p1.offset()).isZero();
        assertThat(p1.epoch()).isNotBlank();
        assertThat(p2).isEqualTo(p1);
        assertThat(append(sut, "fresh", 1).epoch()).as("the first publish keeps the epoch").isEqualTo(p1.epoch());
    }

    @Test
    void boundedSizeEvictsTheOldest() {
        for (int i = 1; i <= 8; i++) {
            append(sut, "r", i);
        }
        HistoryRead all = read(sut, "r", null, 0);
        assertThat(offsets(all)).containsExactly(4L, 5L, 6L, 7L, 8L);
        assertThat(all.messages()).extracting(m -> m.data().tree().intValue()).containsExactly(4, 5, 6, 7, 8);
        assertThat(all.latest().offset()).isEqualTo(8);
        assertThat(all.recovered()).as("no since, nothing to recover").isFalse();
    }

    @Test
    void readSinceReturnsExactlyTheMessagesAfterIt() {
        for (int i = 1; i <= 5; i++) {
            append(sut, "r", i);
        }
        String epoch = position(sut, "r").epoch();
        for (long since = 0; since <= 5; since++) {
            HistoryRead read = read(sut, "r", new StreamPosition(epoch, since), 0);
            assertThat(read.recovered()).as("since %d", since).isTrue();
            assertThat(offsets(read)).containsExactlyElementsOf(LongStream.rangeClosed(since + 1, 5).boxed().toList());
            assertThat(read.latest()).isEqualTo(new StreamPosition(epoch, 5));
        }
    }

    @Test
    void readSinceRecoversRightUpToTheOldestStoredMessage() {
        for (int i = 1; i <= 8; i++) {
            append(sut, "r", i); // 4..8 stored
        }
        String epoch = position(sut, "r").epoch();
        HistoryRead edge = read(sut, "r", new StreamPosition(epoch, 3), 0);
        assertThat(edge.recovered()).isTrue();
        assertThat(offsets(edge)).containsExactly(4L, 5L, 6L, 7L, 8L);
    }

    @Test
    void anEvictedGapIsNotRecovered() {
        for (int i = 1; i <= 8; i++) {
            append(sut, "r", i);
        }
        String epoch = position(sut, "r").epoch();
        assertThat(read(sut, "r", new StreamPosition(epoch, 2), 0).recovered()).as("offset 3 was evicted").isFalse();
        assertThat(read(sut, "r", new StreamPosition(epoch, 0), 0).recovered()).isFalse();
    }

    @Test
    void aWrongEpochIsNotRecovered() {
        append(sut, "r", 1);
        HistoryRead read = read(sut, "r", new StreamPosition("some-other-epoch", 0), 0);
        assertThat(read.recovered()).isFalse();
        assertThat(read.latest().offset()).isEqualTo(1);
    }

    @Test
    void sinceBeyondTheLatestIsNotRecovered() {
        append(sut, "r", 1);
        String epoch = position(sut, "r").epoch();
        assertThat(read(sut, "r", new StreamPosition(epoch, 2), 0).recovered()).isFalse();
        assertThat(read(sut, "r", new StreamPosition(epoch, 1), 0).recovered()).isTrue();
    }

    @Test
    void sinceTheLatestOfAFreshRoomIsRecoveredAndEmpty() {
        StreamPosition p = position(sut, "fresh");
        HistoryRead read = read(sut, "fresh", p, 0);
        assertThat(read.recovered()).isTrue();
        assertThat(read.messages()).isEmpty();
    }

    @Test
    void limitKeepsTheNewest() {
        for (int i = 1; i <= 5; i++) {
            append(sut, "r", i);
        }
        assertThat(offsets(read(sut, "r", null, 2))).containsExactly(4L, 5L);
        assertThat(offsets(read(sut, "r", null, 10))).containsExactly(1L, 2L, 3L, 4L, 5L);
        String epoch = position(sut, "r").epoch();
        assertThat(offsets(read(sut, "r", new StreamPosition(epoch, 1), 3))).containsExactly(3L, 4L, 5L);
    }

    @Test
    void aLimitThatCutsMessagesAfterSinceIsNotARecovery() {
        // HistoryStore: recovered means "the messages returned are exactly those after since".
        for (int i = 1; i <= 5; i++) {
            append(sut, "r", i);
        }
        String epoch = position(sut, "r").epoch();
        assertThat(read(sut, "r", new StreamPosition(epoch, 1), 3).recovered()).isFalse();
        assertThat(read(sut, "r", new StreamPosition(epoch, 1), 4).recovered()).isTrue();
        assertThat(read(sut, "r", new StreamPosition(epoch, 1), 50).recovered()).isTrue();
    }

    @Test
    void sizeZeroStoresNothingButStillCountsOffsets() {
        LocalHistory none = new LocalHistory(0, TTL);
        append(none, "r", 1);
        Message second = append(none, "r", 2);
        assertThat(second.offset()).isEqualTo(2);
        assertThat(read(none, "r", null, 0).messages()).isEmpty();
        assertThat(read(none, "r", new StreamPosition(second.epoch(), 2), 0).recovered()).isTrue();
        assertThat(read(none, "r", new StreamPosition(second.epoch(), 1), 0).recovered()).isFalse();
    }

    @Test
    void expireDropsIdleRoomsAndTheNextUseHasANewEpoch() {
        Message m = append(sut, "idle", 1);
        assertThat(sut.roomCount()).isEqualTo(1);

        assertThat(sut.expire(System.currentTimeMillis())).as("not idle yet").isZero();
        assertThat(sut.expire(System.currentTimeMillis() + TTL.toMillis() + 60_000)).isEqualTo(1);
        assertThat(sut.roomCount()).isZero();

        StreamPosition after = position(sut, "idle");
        assertThat(after.offset()).isZero();
        assertThat(after.epoch()).isNotEqualTo(m.epoch());
        HistoryRead read = read(sut, "idle", new StreamPosition(m.epoch(), 1), 0);
        assertThat(read.recovered()).as("history lost with the old epoch").isFalse();
        assertThat(read.messages()).isEmpty();
        assertThat(append(sut, "idle", 2)).extracting(Message::epoch, Message::offset).containsExactly(after.epoch(), 1L);
    }

    @Test
    void expireKeepsRoomsThatWereUsedRecently() {
        append(sut, "busy", 1);
        long now = System.currentTimeMillis();
        assertThat(sut.expire(now + TTL.toMillis() - 60_000)).isZero();
        assertThat(sut.roomCount()).isEqualTo(1);
    }

    @Test
    @Timeout(10)
    void concurrentAppendsGetUniqueGaplessOffsets() throws Exception {
        int threads = 4;
        int perThread = 2_500;
        LocalHistory history = new LocalHistory(100, TTL);
        List<Long> deliveryOrder = Collections.synchronizedList(new ArrayList<>());
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<List<Long>>> results = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                results.add(pool.submit(() -> {
                    start.await();
                    List<Long> mine = new ArrayList<>(perThread);
                    for (int i = 0; i < perThread; i++) {
                        mine.add(history.append(Message.toRoom("hot", Payload.of(IntNode.valueOf(i)), null, Priority.NORMAL),
                                placed -> deliveryOrder.add(placed.offset())).offset());
                    }
                    return mine;
                }));
            }
            start.countDown();
            List<Long> all = new ArrayList<>();
            for (Future<List<Long>> f : results) {
                List<Long> mine = f.get(10, TimeUnit.SECONDS);
                assertThat(mine).as("one thread's offsets increase").isSorted().doesNotHaveDuplicates();
                all.addAll(mine);
            }
            List<Long> expected = LongStream.rangeClosed(1, threads * perThread).boxed().toList();
            assertThat(all).containsExactlyInAnyOrderElementsOf(expected);
            assertThat(deliveryOrder).as("the callback runs in offset order").containsExactlyElementsOf(expected);
            assertThat(position(history, "hot").offset()).isEqualTo(threads * perThread);
            assertThat(offsets(read(history, "hot", null, 0)))
                    .containsExactlyElementsOf(LongStream.rangeClosed(threads * perThread - 99, threads * perThread).boxed().toList());
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void argumentsAreCheckedAtTheDoor() {
        assertThatThrownBy(() -> new LocalHistory(-1, TTL)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("size");
        assertThatThrownBy(() -> new LocalHistory(1, null)).isInstanceOf(NullPointerException.class).hasMessageContaining("ttl");
    }
}

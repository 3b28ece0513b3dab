package io.wscluster.hub;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.wscluster.codec.Encoding;
import io.wscluster.codec.Message;
import io.wscluster.codec.Payload;
import io.wscluster.protocol.Priority;
import io.wscluster.protocol.StreamPosition;
import io.wscluster.testsupport.TrackingAllocator;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class RecentFramesTest {
    private final TrackingAllocator alloc = new TrackingAllocator();
    private final RecentBudget total = new RecentBudget(1000, Long.MAX_VALUE);

    @Test
    void answersWhatFollowsAPositionWithinTheRunAndNothingElse() {
        RecentFrames sut = new RecentFrames(100, total);
        for (long o = 41; o <= 50; o++) {
            sut.add(frame("e1", o));
        }
        assertThat(offsets(sut.since(at("e1", 44)))).containsExactly(45L, 46L, 47L, 48L, 49L, 50L);
        assertThat(sut.since(at("e1", 44)).latest()).isEqualTo(at("e1", 50));
        assertThat(offsets(sut.since(at("e1", 40)))).hasSize(10); // right before the first: all of them
        assertThat(offsets(sut.since(at("e1", 50)))).isEmpty(); // up to date
        assertThat(sut.since(at("e1", 39))).as("older than the run").isNull();
        assertThat(sut.since(at("e1", 51))).as("ahead of what arrived here").isNull();
        assertThat(sut.since(at("e2", 45))).as("another epoch").isNull();
        RecentFrames.Hit position = sut.since(null);
        assertThat(position.latest()).isEqualTo(at("e1", 50));
        assertThat(position.frames()).isEmpty();
        assertThat(new RecentFrames(10, new RecentBudget(10, Long.MAX_VALUE)).since(null)).as("nothing held: no position").isNull();
    }

    @Test
    void aGapOrANewEpochStartsTheRunAgain() {
        RecentFrames sut = new RecentFrames(100, total);
        sut.add(frame("e1", 1));
        sut.add(frame("e1", 2));
        sut.add(frame("e1", 4)); // 3 never arrived here
        assertThat(sut.size()).isEqualTo(1);
        assertThat(sut.since(at("e1", 1))).isNull();
        assertThat(offsets(sut.since(at("e1", 3)))).containsExactly(4L);
        sut.add(frame("e2", 1)); // history lost: a new epoch
        assertThat(sut.since(at("e1", 3))).isNull();
        assertThat(offsets(sut.since(at("e2", 0)))).containsExactly(1L);
        assertThat(total.frames()).isEqualTo(1);
    }

    @Test
    void keepsAtMostItsShareAndReleasesWhatItDrops() {
        RecentBudget shared = new RecentBudget(5, Long.MAX_VALUE);
        RecentFrames a = new RecentFrames(3, shared);
        RecentFrames b = new RecentFrames(3, shared);
        for (long o = 1; o <= 5; o++) {
            a.add(frame("e1", o));
        }
        assertThat(offsets(a.since(at("e1", 2)))).containsExactly(3L, 4L, 5L); // the newest three
        for (long o = 1; o <= 3; o++) {
            b.add(frame("e1", o));
        }
        assertThat(shared.frames()).isEqualTo(5); // the node's budget: b got two, then took its own oldest
        assertThat(b.size()).isEqualTo(2);
        assertThat(offsets(b.since(at("e1", 1)))).containsExactly(2L, 3L);
        a.close();
        b.close();
        assertThat(shared.frames()).isZero();
        assertThat(shared.bytes()).isZero();
        assertThat(alloc.unreleased()).isEmpty();
    }

    @Test
    void aClosedRunKeepsNothingMore() {
        RecentFrames sut = new RecentFrames(10, total);
        sut.add(frame("e1", 1));
        sut.close();
        sut.add(frame("e1", 2)); // a late delivery for a room nobody here subscribes to any more
        assertThat(sut.since(null)).isNull();
        assertThat(total.frames()).isZero();
        assertThat(alloc.unreleased()).isEmpty();
    }

    @Test
    void theCallerHoldsWhatItWasGivenUntilItReleasesIt() {
        RecentFrames sut = new RecentFrames(10, total);
        sut.add(frame("e1", 1));
        RecentFrames.Hit hit = sut.since(at("e1", 0));
        sut.close();
        assertThat(alloc.unreleased()).isNotEmpty(); // still the caller's
        hit.frames().forEach(SharedFrame::release);
        assertThat(alloc.unreleased()).isEmpty();
    }

    @Test
    void keepsWithinTheBytesOfItsBudgetWhateverTheCount() {
        String data = "x".repeat(60_000);
        long cost = 60_000 + 2 + RecentBudget.OVERHEAD;
        RecentBudget budget = new RecentBudget(20_000, 5 * cost);
        RecentFrames a = new RecentFrames(1000, budget);
        RecentFrames b = new RecentFrames(1000, budget);
        for (long o = 1; o <= 50; o++) {
            a.add(frame("e1", o, TextNode.valueOf(data)));
        }
        assertThat(a.size()).as("the newest that fit").isEqualTo(5);
        assertThat(budget.bytes()).isEqualTo(5 * cost);
        assertThat(offsets(a.since(at("e1", 45)))).containsExactly(46L, 47L, 48L, 49L, 50L);
        b.add(frame("e1", 1, TextNode.valueOf(data)));
        assertThat(b.size()).as("another room gets nothing while the first holds the budget").isZero();
        b.add(frame("e1", 2, TextNode.valueOf("small")));
        assertThat(b.size()).as("nor a small one: the budget is full to the byte").isZero();
        a.close();
        b.add(frame("e1", 3, TextNode.valueOf(data)));
        assertThat(b.size()).isEqualTo(1);
        b.close();
        assertThat(budget.bytes()).isZero();
        assertThat(budget.frames()).isZero();
        assertThat(alloc.unreleased()).isEmpty();
    }

    @Test
    void aFrameLargerThanTheWholeBudgetIsNotKeptAndTheRunStaysIntact() {
        RecentBudget budget = new RecentBudget(100, 10_000);
        RecentFrames sut = new RecentFrames(100, budget);
        sut.add(frame("e1", 1, TextNode.valueOf("a")));
        sut.add(frame("e1", 2, TextNode.valueOf("y".repeat(20_000))));
        assertThat(offsets(sut.since(at("e1", 0)))).containsExactly(1L);
        sut.add(frame("e1", 3, TextNode.valueOf("b"))); // 2 is missing: the run starts again
        assertThat(offsets(sut.since(at("e1", 2)))).containsExactly(3L);
        assertThat(sut.since(at("e1", 1))).isNull();
        sut.close();
        assertThat(alloc.unreleased()).isEmpty();
    }

    @Test
    void theCostIsTheDataAsJsonPlusTheOverhead() {
        ObjectNode data = JsonNodeFactory.instance.objectNode();
        data.put("name", "é€😀"); // 2, 3 and 4 bytes in UTF-8
        data.putArray("list").add(1).add(true);
        int json = data.toString().getBytes(StandardCharsets.UTF_8).length;
        SharedFrame f = frame("e1", 1, data);
        assertThat(RecentBudget.cost(f)).isEqualTo(json + RecentBudget.OVERHEAD);
        f.release();
    }

    /** A frame held by the run alone, encoded once so that its release is visible. */
    private SharedFrame frame(String epoch, long offset) {
        return frame(epoch, offset, IntNode.valueOf((int) offset));
    }

    private SharedFrame frame(String epoch, long offset, JsonNode data) {
        SharedFrame f = new SharedFrame(Message.toRoom("r", Payload.of(data), null, Priority.NORMAL).at(epoch, offset), alloc, 1);
        f.payload(Encoding.JSON);
        return f;
    }

    private static StreamPosition at(String epoch, long offset) {
        return new StreamPosition(epoch, offset);
    }

    private static List<Long> offsets(RecentFrames.Hit hit) {
        List<Long> out = hit.frames().stream().map(f -> f.message().offset()).toList();
        hit.frames().forEach(SharedFrame::release);
        return out;
    }
}

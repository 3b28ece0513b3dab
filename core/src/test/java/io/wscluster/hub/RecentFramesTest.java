package io.wscluster.hub;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.IntNode;
import io.wscluster.protocol.Encoding;
import io.wscluster.protocol.Message;
import io.wscluster.protocol.Priority;
import io.wscluster.protocol.StreamPosition;
import io.wscluster.testsupport.TrackingAllocator;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RecentFramesTest {
    private final TrackingAllocator alloc = new TrackingAllocator();
    private final AtomicLong total = new AtomicLong();

    @Test
    void answersWhatFollowsAPositionWithinTheRunAndNothingElse() {
        RecentFrames sut = new RecentFrames(100, 1000, total);
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
        assertThat(new RecentFrames(10, 10, new AtomicLong()).since(null)).as("nothing held: no position").isNull();
    }

    @Test
    void aGapOrANewEpochStartsTheRunAgain() {
        RecentFrames sut = new RecentFrames(100, 1000, total);
        sut.add(frame("e1", 1));
        sut.add(frame("e1", 2));
        sut.add(frame("e1", 4)); // 3 never arrived here
        assertThat(sut.size()).isEqualTo(1);
        assertThat(sut.since(at("e1", 1))).isNull();
        assertThat(offsets(sut.since(at("e1", 3)))).containsExactly(4L);
        sut.add(frame("e2", 1)); // history lost: a new epoch
        assertThat(sut.since(at("e1", 3))).isNull();
        assertThat(offsets(sut.since(at("e2", 0)))).containsExactly(1L);
        assertThat(total.get()).isEqualTo(1);
    }

    @Test
    void keepsAtMostItsShareAndReleasesWhatItDrops() {
        RecentFrames a = new RecentFrames(3, 5, total);
        RecentFrames b = new RecentFrames(3, 5, total);
        for (long o = 1; o <= 5; o++) {
            a.add(frame("e1", o));
        }
        assertThat(offsets(a.since(at("e1", 2)))).containsExactly(3L, 4L, 5L); // the newest three
        for (long o = 1; o <= 3; o++) {
            b.add(frame("e1", o));
        }
        assertThat(total.get()).isEqualTo(5); // the node's budget: b got two, then took its own oldest
        assertThat(b.size()).isEqualTo(2);
        assertThat(offsets(b.since(at("e1", 1)))).containsExactly(2L, 3L);
        a.close();
        b.close();
        assertThat(total.get()).isZero();
        assertThat(alloc.unreleased()).isEmpty();
    }

    @Test
    void aClosedRunKeepsNothingMore() {
        RecentFrames sut = new RecentFrames(10, 10, total);
        sut.add(frame("e1", 1));
        sut.close();
        sut.add(frame("e1", 2)); // a late delivery for a room nobody here subscribes to any more
        assertThat(sut.since(null)).isNull();
        assertThat(total.get()).isZero();
        assertThat(alloc.unreleased()).isEmpty();
    }

    @Test
    void theCallerHoldsWhatItWasGivenUntilItReleasesIt() {
        RecentFrames sut = new RecentFrames(10, 10, total);
        sut.add(frame("e1", 1));
        RecentFrames.Hit hit = sut.since(at("e1", 0));
        sut.close();
        assertThat(alloc.unreleased()).isNotEmpty(); // still the caller's
        hit.frames().forEach(SharedFrame::release);
        assertThat(alloc.unreleased()).isEmpty();
    }

    /** A frame held by the run alone, encoded once so that its release is visible. */
    private SharedFrame frame(String epoch, long offset) {
        SharedFrame f = new SharedFrame(Message.toRoom("r", IntNode.valueOf((int) offset), null, Priority.NORMAL).at(epoch, offset),
                alloc, 1);
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

package io.wscluster.failover;

import static org.assertj.core.api.Assertions.assertThat;

import io.wscluster.protocol.StreamPosition;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RoomPositionsTest {
    private final RoomPositions positions = new RoomPositions();

    @Test
    void resumePositionsLagOnePeriodBehindWhatWasHandedOver() {
        positions.update(Map.of("r", new StreamPosition("e1", 5)));
        assertThat(positions.lagged("r")).isNull();
        assertThat(positions.tick().moved()).isEmpty(); // period 1 ends: offset 5 is current, nothing lagged yet
        positions.update(Map.of("r", new StreamPosition("e1", 9)));
        assertThat(positions.tick().moved()).isEqualTo(Map.of("r", new StreamPosition("e1", 5)));
        assertThat(positions.lagged("r")).isEqualTo(new StreamPosition("e1", 5));
        assertThat(positions.tick().moved()).isEqualTo(Map.of("r", new StreamPosition("e1", 9)));
        assertThat(positions.tick().moved()).isEmpty(); // nothing moved
    }

    @Test
    void aRoomTheNodeNoLongerHoldsIsGoneOncePastTheLag() {
        positions.update(Map.of("kept", new StreamPosition("e1", 1), "left", new StreamPosition("e1", 2)));
        positions.tick();
        positions.update(Map.of("kept", new StreamPosition("e1", 1)));
        assertThat(positions.tick().gone()).isEmpty(); // both lagged now
        assertThat(positions.lagged("left")).isEqualTo(new StreamPosition("e1", 2));

        RoomPositions.Change change = positions.tick();

        assertThat(change.gone()).containsExactly("left");
        assertThat(change.moved()).isEmpty();
        assertThat(positions.lagged("left")).isNull();
    }

    @Test
    void theEarlierOfTwoPositionsIsTheSmallerOneOfTheSameEpochAndNoneAcrossEpochs() {
        StreamPosition a = new StreamPosition("e1", 4);
        assertThat(StreamPosition.earlier(a, new StreamPosition("e1", 7))).isEqualTo(a);
        assertThat(StreamPosition.earlier(a, new StreamPosition("e1", 2))).isEqualTo(new StreamPosition("e1", 2));
        assertThat(StreamPosition.earlier(a, new StreamPosition("e2", 1))).isNull();
    }

    @Test
    void theLaterOfTwoPositionsIsTheFurtherOneOfTheSameEpoch() {
        StreamPosition a = new StreamPosition("e1", 4);
        assertThat(RoomPositions.later(a, new StreamPosition("e1", 7))).isEqualTo(new StreamPosition("e1", 7));
        assertThat(RoomPositions.later(a, new StreamPosition("e1", 2))).isEqualTo(a);
        assertThat(RoomPositions.later(a, new StreamPosition("e2", 90))).isEqualTo(a); // history was lost meanwhile
        assertThat(RoomPositions.later(a, null)).isEqualTo(a);
        assertThat(RoomPositions.later(null, a)).isEqualTo(a);
    }
}

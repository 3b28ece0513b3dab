package io.wscluster.hub;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class RoomBudgetTest {
    private long now = 5_000_000_000L;
    private final RoomBudget sut = new RoomBudget(3, () -> now);

    @Test
    void countsEachRoomOnceAMinuteAndRefusesOneTooMany() {
        assertThat(sut.take("a")).isTrue();
        assertThat(sut.take("b")).isTrue();
        assertThat(sut.take("a")).as("already counted this minute").isTrue();
        assertThat(sut.take("c")).isTrue();

        assertThat(sut.take("d")).isFalse();
        assertThat(sut.take("b")).as("rooms already counted stay usable").isTrue();
    }

    @Test
    void aRoomCountedAMinuteAgoMakesPlaceForANewOne() {
        sut.take("a");
        now += TimeUnit.SECONDS.toNanos(30);
        sut.take("b");
        sut.take("c");
        assertThat(sut.take("d")).isFalse();

        now += TimeUnit.SECONDS.toNanos(30); // "a" was counted a minute ago; "b" and "c" half a minute ago

        assertThat(sut.take("d")).isTrue();
        assertThat(sut.take("e")).as("no minute holds more than three").isFalse();
        assertThat(sut.take("a")).as("counted again, and there is no room for it").isFalse();
    }
}

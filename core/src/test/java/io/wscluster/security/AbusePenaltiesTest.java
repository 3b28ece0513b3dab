package io.wscluster.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class AbusePenaltiesTest {
    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final AbusePenalties penalties = new AbusePenalties(now::get);

    private void advance(Duration d) {
        now.addAndGet(d.toNanos());
    }

    @Test
    void anAddressWithNoOffenceMayConnect() {
        assertThat(penalties.secondsLeft("192.0.2.1")).isZero();
    }

    @Test
    void eachOffenceAfterThePenaltyRanOutDoublesItUpToTheLongest() {
        long expected = AbusePenalties.FIRST.toSeconds();
        for (int offence = 1; offence <= 8; offence++) {
            penalties.offended("192.0.2.1");
            long want = Math.min(expected, AbusePenalties.LONGEST.toSeconds());
            assertThat(penalties.secondsLeft("192.0.2.1")).as("offence %d", offence).isEqualTo(want);
            advance(Duration.ofSeconds(want - 1));
            assertThat(penalties.secondsLeft("192.0.2.1")).isEqualTo(1);
            advance(Duration.ofSeconds(1));
            assertThat(penalties.secondsLeft("192.0.2.1")).isZero();
            expected *= 2;
        }
        assertThat(penalties.secondsLeft("192.0.2.2")).as("other addresses untouched").isZero();
    }

    @Test
    void closesWhileAPenaltyRunsAreTheSameOffence() {
        penalties.offended("192.0.2.1");
        advance(Duration.ofSeconds(3));
        penalties.offended("192.0.2.1"); // the address's other connection, opened before the penalty
        assertThat(penalties.secondsLeft("192.0.2.1")).isEqualTo(AbusePenalties.FIRST.toSeconds() - 3);
    }

    @Test
    void anAddressQuietForLongEnoughStartsAfresh() {
        penalties.offended("192.0.2.1");
        advance(AbusePenalties.FIRST);
        penalties.offended("192.0.2.1");
        advance(AbusePenalties.MEMORY.plus(AbusePenalties.FIRST.multipliedBy(2)));
        penalties.offended("192.0.2.1");
        assertThat(penalties.secondsLeft("192.0.2.1")).isEqualTo(AbusePenalties.FIRST.toSeconds());
    }
}

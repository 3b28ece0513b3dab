package io.wscluster.security;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Token buckets per key, and the bounds on how many are kept; open connections per key. */
class RateBucketsTest {
    @Test
    void aKeyGetsItsCapacityThenWaitsForTheRefill() {
        RateBuckets sut = new RateBuckets(3, 1, 100);
        for (int i = 0; i < 3; i++) {
            assertThat(sut.tryTake("a")).isZero();
        }
        assertThat(sut.tryTake("a")).as("nanoseconds to the next token").isBetween(1L, 1_000_000_000L);
        assertThat(sut.tryTake("b")).isZero();
    }

    @Test
    void bucketsAreDroppedOnceFullAgainAndNeverExceedTheirBound() throws InterruptedException {
        RateBuckets sut = new RateBuckets(1, 1000, 50); // full again 1 ms after its last use
        for (int i = 0; i < 10_000; i++) {
            sut.tryTake("203.0.113." + i);
        }
        assertThat(sut.keys()).as("at most the bound, however many keys came").isLessThanOrEqualTo(50);
        Thread.sleep(20);
        assertThat(sut.keys()).as("idle buckets are gone").isZero();
    }

    @Test
    void aKeysCountIsForgottenWithItsLastConnection() {
        ConnectionCounts sut = new ConnectionCounts();
        assertThat(sut.tryAcquire("a", 2)).isTrue();
        assertThat(sut.tryAcquire("a", 2)).isTrue();
        assertThat(sut.tryAcquire("a", 2)).isFalse();
        assertThat(sut.count("a")).isEqualTo(2);
        sut.release("a");
        sut.release("a");
        sut.release("a"); // one more than held: nothing to give back
        assertThat(sut.count("a")).isZero();
        assertThat(sut.keys()).isZero();
    }
}

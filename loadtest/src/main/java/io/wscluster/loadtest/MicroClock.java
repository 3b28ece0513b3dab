package io.wscluster.loadtest;

import java.time.Instant;

/**
 * Wall-clock microseconds that are cheap to read and comparable across processes on one machine:
 * {@link System#nanoTime()} anchored once to the epoch. Publishers stamp messages with it and
 * subscribers in any worker process subtract, so end-to-end latency needs no shared object.
 */
final class MicroClock {
    private static final long OFFSET_MICROS = calibrate();

    private MicroClock() {
    }

    static long nowMicros() {
        return micros(System.nanoTime());
    }

    /** The wall-clock microseconds of an earlier {@link System#nanoTime()} reading. */
    static long micros(long nanoTime) {
        return nanoTime / 1000 + OFFSET_MICROS;
    }

    /** The smallest of a few anchor samples: the one least delayed between the two reads. */
    private static long calibrate() {
        long best = Long.MAX_VALUE;
        long offset = 0;
        for (int i = 0; i < 50; i++) {
            long before = System.nanoTime();
            Instant now = Instant.now();
            long after = System.nanoTime();
            if (after - before < best) {
                best = after - before;
                long epochMicros = now.getEpochSecond() * 1_000_000 + now.getNano() / 1000;
                offset = epochMicros - (before + (after - before) / 2) / 1000;
            }
        }
        return offset;
    }
}

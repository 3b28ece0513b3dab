package io.wscluster.security;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * Addresses that may open no connection for a while because one of theirs was closed for abuse.
 * Without it reconnecting would buy a flood a fresh allowance each time. The first offence costs
 * {@link #FIRST}; each offence after the last penalty ran out doubles it, up to {@link #LONGEST},
 * so a client that comes back to flood again and again spends ever less of its time connected.
 * An address with no offence for {@link #MEMORY} starts afresh. Closes for abuse while a penalty
 * runs (the other connections the address opened before it) are the same offence, not new ones.
 *
 * <p>Bounded however many addresses offend, like {@link RateBuckets}. Thread-safe.
 */
final class AbusePenalties {
    static final Duration FIRST = Duration.ofSeconds(10);
    static final Duration LONGEST = Duration.ofMinutes(5);
    static final Duration MEMORY = Duration.ofMinutes(30);

    /** An address's record: how many offences, and until when (System.nanoTime) it is refused. */
    private record Strikes(int count, long untilNanos) {
    }

    private final LongSupplier clock;
    private final Cache<String, Strikes> strikes;

    AbusePenalties(LongSupplier nanoClock) {
        this.clock = nanoClock;
        this.strikes = Caffeine.newBuilder().expireAfterWrite(MEMORY).maximumSize(RateBuckets.DEFAULT_MAX_KEYS)
                .ticker(nanoClock::getAsLong).executor(Runnable::run).build();
    }

    AbusePenalties() {
        this(System::nanoTime);
    }

    /** One of {@code key}'s connections was closed for abuse. */
    void offended(String key) {
        long now = clock.getAsLong();
        strikes.asMap().compute(key, (k, old) -> {
            if (old != null && now - old.untilNanos < 0) {
                return old;
            }
            int count = old == null ? 1 : old.count + 1;
            long penalty = Math.min(FIRST.toNanos() << Math.min(count - 1, 20), LONGEST.toNanos());
            return new Strikes(count, now + penalty);
        });
    }

    /** Whole seconds until {@code key} may connect again (rounded up); 0 when it may now. */
    long secondsLeft(String key) {
        Strikes s = strikes.getIfPresent(key);
        if (s == null) {
            return 0;
        }
        long left = s.untilNanos - clock.getAsLong();
        return left <= 0 ? 0 : (left + 999_999_999L) / 1_000_000_000L;
    }
}

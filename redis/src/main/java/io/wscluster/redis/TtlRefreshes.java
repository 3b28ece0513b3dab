package io.wscluster.redis;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import io.wscluster.history.HistoryLimits;
import java.time.Duration;

/**
 * Which publishes refresh their room's TTLs. Refreshing on every publish cost two of the seven
 * Redis commands each one ran (an EXPIRE of the stream and one of its meta hash). Instead a node
 * gives a room's keys its {@code history-ttl} and a quarter more, at most once per quarter of that
 * TTL: an active room's keys never expire, and an idle room's history is kept at least {@code
 * history-ttl} after its last message and at most a quarter longer. A room this node forgot (more
 * than {@value #MAX_ROOMS} rooms published into within a quarter TTL) just refreshes again; a new
 * epoch (the keys were gone) always sets them (publish.lua).
 */
final class TtlRefreshes {
    private static final int MAX_ROOMS = 100_000;

    private final HistoryLimits limits;
    private final Cache<String, Boolean> refreshed;

    TtlRefreshes(HistoryLimits limits) {
        this.limits = limits;
        this.refreshed = Caffeine.newBuilder().maximumSize(MAX_ROOMS)
                .expireAfter(Expiry.<String, Boolean>creating((room, v) -> Duration.ofNanos(Math.max(1, limits.ttl(room).toNanos() / 4))))
                .build();
    }

    /** Whether this publish into {@code room} sets its keys' TTLs (and from now on, for a quarter TTL, none does). */
    boolean due(String room) {
        return refreshed.asMap().putIfAbsent(room, Boolean.TRUE) == null;
    }

    /** The TTL a refresh gives the room's keys, in seconds: its {@code history-ttl} and a quarter more. */
    String seconds(String room) {
        long ttl = Math.max(1, limits.ttl(room).toSeconds());
        return String.valueOf(ttl + (ttl + 3) / 4);
    }
}

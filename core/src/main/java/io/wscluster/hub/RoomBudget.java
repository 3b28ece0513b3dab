package io.wscluster.hub;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * One connection's allowance of rooms it may make Redis keep: at most {@code perMinute} distinct
 * rooms within any minute. A room counts when the connection subscribes to it, publishes into it
 * without being subscribed, or reads its history: each of these creates the room's keys (its
 * position, its stream) or renews them for {@code history-ttl}. Without it one connection could
 * subscribe and unsubscribe, or read the history of, thousands of made-up rooms a second, each
 * leaving a key behind for minutes. A room once counted is free for the rest of its minute.
 *
 * <p>Implementation note: the rooms counted in the last minute, oldest first, are kept with the
 * time they were counted (a sliding window, so no minute holds more than {@code perMinute}); at
 * most {@code perMinute} of them. Made on a connection's first such request and used on the
 * session's loop only, so it takes no lock and connections that do none pay nothing.
 */
final class RoomBudget {
    private static final long MINUTE_NANOS = TimeUnit.MINUTES.toNanos(1);

    private final int perMinute;
    private final LongSupplier nanoClock;
    private final LinkedHashMap<String, Long> counted = new LinkedHashMap<>();

    RoomBudget(int perMinute) {
        this(perMinute, System::nanoTime);
    }

    /** With the clock of a test. */
    RoomBudget(int perMinute, LongSupplier nanoClock) {
        this.perMinute = perMinute;
        this.nanoClock = nanoClock;
    }

    /** Whether the connection may use {@code room} now; counts it when it is new within the minute. */
    boolean take(String room) {
        long now = nanoClock.getAsLong();
        Iterator<Long> oldestFirst = counted.values().iterator();
        while (oldestFirst.hasNext() && now - oldestFirst.next() >= MINUTE_NANOS) {
            oldestFirst.remove();
        }
        if (counted.containsKey(room)) {
            return true;
        }
        if (counted.size() >= perMinute) {
            return false;
        }
        counted.put(room, now);
        return true;
    }
}

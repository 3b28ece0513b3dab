package io.wscluster.security;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * What a connection that reads too slowly gets of a namespace's rooms, once its socket's queue is
 * full: {@code disconnect} (closed with 1008 {@code slow consumer} when its outbound buffer passes
 * its limit), {@code drop-oldest} (the oldest messages held back for it are dropped, and it is told
 * with a {@code gap} frame), or {@code latest-per-key} (only the newest message of each key is
 * held back: tickers, dashboards; also with {@code gap}). The key of a message is its data's
 * top-level {@code key} field when there is one, else its room.
 */
public enum OverflowPolicy {
    DISCONNECT, DROP_OLDEST, LATEST_PER_KEY;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** @throws IllegalArgumentException naming the values known */
    public static OverflowPolicy parse(String s) {
        for (OverflowPolicy p : values()) {
            if (p.wireName().equals(s.trim().toLowerCase(Locale.ROOT))) {
                return p;
            }
        }
        throw new IllegalArgumentException("not one of " + Arrays.stream(values()).map(OverflowPolicy::wireName)
                .collect(Collectors.joining(", ")));
    }
}

package io.wscluster.loadtest;

import java.util.Map;
import java.util.TreeMap;

/**
 * The offsets a subscriber has not received yet, as ranges: a late message is known to be late
 * (out of order) rather than a duplicate only if its offset is still in a gap. Created on the first
 * gap, so a healthy subscriber carries none.
 */
final class Gaps {
    /** From offset to the last offset of the range, inclusive. */
    private final TreeMap<Long, Long> ranges = new TreeMap<>();
    private long count;

    void add(long from, long to) {
        if (from <= to) {
            ranges.put(from, to);
            count += to - from + 1;
        }
    }

    /** Takes {@code offset} out of its gap; returns false when it was in none. */
    boolean fill(long offset) {
        Map.Entry<Long, Long> range = ranges.floorEntry(offset);
        if (range == null || range.getValue() < offset) {
            return false;
        }
        long from = range.getKey();
        long to = range.getValue();
        ranges.remove(from);
        count -= to - from + 1;
        add(from, offset - 1);
        add(offset + 1, to);
        return true;
    }

    long count() {
        return count;
    }
}

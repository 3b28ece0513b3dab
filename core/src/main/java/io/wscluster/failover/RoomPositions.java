package io.wscluster.failover;

import io.wscluster.protocol.StreamPosition;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * One node's resume positions: per room, where every live subscriber of the node surely was
 * (its bytes had left the process; see {@link SessionStore#positions}), as handed over each period,
 * and the same positions one period later ({@link #lagged}), which are what a session of the node
 * resumes from after a crash: by then the bytes have also left the kernel's socket buffers, unless
 * the client stopped reading. {@link #update} and {@link #tick} run once per period. Thread-safe.
 */
public final class RoomPositions {
    private volatile Map<String, StreamPosition> latest = Map.of();
    private Map<String, StreamPosition> current = Map.of();
    private volatile Map<String, StreamPosition> lagged = Map.of();

    /** The node's positions now. */
    public void update(Map<String, StreamPosition> drained) {
        latest = Map.copyOf(drained);
    }

    /**
     * Ends a period: what was current becomes the lagged positions. Returns what a store must write:
     * the rooms whose lagged position changed, with their new positions, and the rooms that no
     * longer have one (the node has no live subscriber of them left), so the store forgets them
     * rather than keep every room the node ever held.
     */
    public synchronized Change tick() {
        Map<String, StreamPosition> before = lagged;
        Map<String, StreamPosition> moved = new HashMap<>();
        current.forEach((room, p) -> {
            if (!p.equals(before.get(room))) {
                moved.put(room, p);
            }
        });
        Set<String> gone = new HashSet<>(before.keySet());
        gone.removeAll(current.keySet());
        lagged = current;
        current = latest;
        return new Change(moved, gone);
    }

    /** What one period changed: rooms whose resume position moved, and rooms that have none any more. */
    public record Change(Map<String, StreamPosition> moved, Set<String> gone) {
    }

    /** Where a session of this node may resume {@code room} from, or null when the room has no lagged position yet. */
    public StreamPosition lagged(String room) {
        return lagged.get(room);
    }

    /** The later of two positions of one room: {@code b} when it is of the same epoch and further, else {@code a}. */
    public static StreamPosition later(StreamPosition a, StreamPosition b) {
        if (a == null) {
            return b;
        }
        if (b == null || !a.epoch().equals(b.epoch())) {
            return a;
        }
        return b.offset() > a.offset() ? b : a;
    }
}

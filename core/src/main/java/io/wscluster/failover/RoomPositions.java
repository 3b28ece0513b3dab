package io.wscluster.failover;

import io.wscluster.protocol.Message;
import io.wscluster.protocol.StreamPosition;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The newest message of each room fanned out on this node, and the rooms' positions as they were
 * one period earlier: the positions a session may safely resume from after a crash, since what was
 * fanned out a whole period ago has left the node's socket buffers. {@link #delivered} is the hot
 * path (one map write per message); {@link #tick} runs once per period. Thread-safe.
 */
public final class RoomPositions {
    private final ConcurrentHashMap<String, Message> latest = new ConcurrentHashMap<>();
    private Map<String, StreamPosition> current = Map.of();
    private volatile Map<String, StreamPosition> lagged = Map.of();

    public void delivered(Message m) {
        latest.put(m.room(), m);
    }

    /**
     * Ends a period: what was current becomes the lagged positions. Returns the rooms whose lagged
     * position changed, with their new positions (what a store must write).
     */
    public synchronized Map<String, StreamPosition> tick() {
        Map<String, StreamPosition> now = new HashMap<>(latest.size());
        latest.forEach((room, m) -> now.put(room, new StreamPosition(m.epoch(), m.offset())));
        Map<String, StreamPosition> before = lagged;
        Map<String, StreamPosition> changed = new HashMap<>();
        current.forEach((room, p) -> {
            if (!p.equals(before.get(room))) {
                changed.put(room, p);
            }
        });
        lagged = current;
        current = now;
        return changed;
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

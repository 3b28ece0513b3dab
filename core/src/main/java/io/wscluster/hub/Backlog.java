package io.wscluster.hub;

import com.fasterxml.jackson.databind.JsonNode;
import io.wscluster.codec.Message;
import io.wscluster.codec.ServerFrames;
import io.wscluster.security.OverflowPolicy;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Room messages held back for one session whose socket queue is full, for rooms whose namespace
 * drops rather than disconnects ({@link OverflowPolicy}). At most {@value #MAX_MESSAGES} are held:
 * past that the oldest go ({@code drop-oldest}); and under {@code latest-per-key} a newer message
 * of a key takes the place of the one held (it moves to the end, so a room's offsets still rise).
 * Each drop is remembered per room as the range of offsets it falls in, which the client is told
 * with a {@code gap} frame before the room's next message, or once the backlog has drained.
 *
 * <p>Worked example: offsets 1..1500 of room r held back under drop-oldest: 1..500 are dropped,
 * and the client gets {@code gap r 1..500} then 501..1500. Frames are the shared ones (one
 * reference each), so holding costs no copy. On the session's loop only.
 */
final class Backlog {
    static final int MAX_MESSAGES = 1000;

    /** Held messages in arrival order; the key is the message's key under latest-per-key, else the entry itself. */
    private final LinkedHashMap<Object, Held> held = new LinkedHashMap<>();
    private final Map<String, Gap> gaps = new HashMap<>();

    private record Held(Subscription sub, SharedFrame frame) {
    }

    private record Key(String room, String key) {
    }

    /** Offsets of one room from which something was dropped. */
    private static final class Gap {
        final String epoch;
        long from;
        long to;

        Gap(String epoch, long offset) {
            this.epoch = epoch;
            this.from = offset;
            this.to = offset;
        }
    }

    boolean isEmpty() {
        return held.isEmpty() && gaps.isEmpty();
    }

    /** Holds {@code frame} back for {@code sub} (taking a reference); returns how many held messages were dropped for it. */
    /** Messages held back now. */
    int size() {
        return held.size();
    }

    int hold(Subscription sub, SharedFrame frame) {
        frame.retain();
        int dropped = 0;
        Held entry = new Held(sub, frame);
        Object key = entry;
        if (sub.overflow == OverflowPolicy.LATEST_PER_KEY) {
            key = new Key(sub.room, keyOf(frame.message()));
            Held older = held.remove(key);
            if (older != null) {
                drop(older);
                dropped++;
            }
        }
        held.put(key, entry);
        for (Iterator<Held> oldest = held.values().iterator(); held.size() > MAX_MESSAGES; dropped++) {
            Held h = oldest.next();
            oldest.remove();
            drop(h);
        }
        return dropped;
    }

    /** Writes what is held, gaps first, while the session's connection takes more. */
    void drain(Session s) {
        for (Iterator<Held> it = held.values().iterator(); it.hasNext() && s.connection().writable(); ) {
            Held h = it.next();
            it.remove();
            if (current(h.sub)) {
                sendGap(s, h.sub.room);
                s.deliver(h.frame);
            }
            h.frame.release();
        }
        if (held.isEmpty() && !gaps.isEmpty()) {
            for (String room : gaps.keySet().toArray(String[]::new)) {
                sendGap(s, room);
            }
            gaps.clear();
        }
    }

    /** Releases what is held: the session closed. */
    void release() {
        held.values().forEach(h -> h.frame.release());
        held.clear();
        gaps.clear();
    }

    private void drop(Held h) {
        Message m = h.frame.message();
        Gap gap = gaps.get(h.sub.room);
        if (gap == null || !gap.epoch.equals(m.epoch())) {
            gaps.put(h.sub.room, new Gap(m.epoch(), m.offset()));
        } else {
            gap.from = Math.min(gap.from, m.offset());
            gap.to = Math.max(gap.to, m.offset());
        }
        h.frame.release();
    }

    private void sendGap(Session s, String room) {
        Gap gap = gaps.remove(room);
        Subscription sub = s.subscriptions == null ? null : s.subscriptions.get(room);
        if (gap != null && sub != null && current(sub)) {
            s.send(ServerFrames.gap(room, gap.epoch, gap.from, gap.to));
        }
    }

    /** Still the session's subscription of its room: not unsubscribed (or replaced) meanwhile. */
    private static boolean current(Subscription sub) {
        return !sub.session.closed && sub.session.subscriptions != null && sub.session.subscriptions.get(sub.room) == sub;
    }

    /** The message's key under latest-per-key: its data's top-level {@code key} field, else none (the room). */
    static String keyOf(Message m) {
        JsonNode data = m.data().tree(); // parsed here only: latest-per-key is the feature that reads the value
        JsonNode key = data.isObject() ? data.get("key") : null;
        return key != null && key.isValueNode() ? key.asText() : "";
    }
}

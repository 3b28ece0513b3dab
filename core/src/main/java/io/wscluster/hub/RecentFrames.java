package io.wscluster.hub;

import io.wscluster.protocol.Message;
import io.wscluster.protocol.StreamPosition;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The newest messages of one room as this node received them, as the shared frames it fanned out:
 * a subscribe with {@code since} within them is answered here, with no history read and no
 * encoding per subscriber (a reconnect storm after a failover resubscribes thousands of clients
 * from a few seconds back).
 *
 * <p>Implementation notes. The frames are a contiguous run of offsets of one epoch, as the bus
 * delivered them: a message that does not follow the last one (another epoch, or a gap the bus
 * left) starts the run again, so the run never claims an offset it does not hold. It only reflects
 * the stream while the node receives the room: the hub drops it when the room's last local
 * subscriber leaves, and when the bus says delivery was interrupted. At most {@code perRoom}
 * frames, and at most {@code budget} frames over all rooms (a shared count): the oldest go first,
 * and a room that cannot add a frame starts over. Worked example: frames 41..50 held, since 44
 * answers 45..50 with latest 50; since 39 (before 40) or 51 (ahead of what arrived here) go to the
 * history store instead. Thread-safe: one writer (the bus's delivery of the room), any readers.
 */
final class RecentFrames {
    private final int perRoom;
    private final long budget;
    private final AtomicLong total;
    /** A ring of {@code count} frames, oldest at {@code head}. */
    private final SharedFrame[] ring;
    private int head;
    private int count;
    /** Dropped with its room: a late delivery must not be kept by an instance nobody reads. */
    private boolean closed;

    /** @param total the frames held over every room of the node, shared by their instances */
    RecentFrames(int perRoom, long budget, AtomicLong total) {
        this.perRoom = perRoom;
        this.budget = budget;
        this.total = total;
        this.ring = new SharedFrame[Math.max(1, perRoom)];
    }

    /** Takes one reference to {@code frame} (the caller counted it among the frame's holders). */
    synchronized void add(SharedFrame frame) {
        if (closed) {
            frame.release();
            return;
        }
        Message m = frame.message();
        if (count > 0) {
            Message last = ring[(head + count - 1) % ring.length].message();
            if (!last.epoch().equals(m.epoch()) || m.offset() != last.offset() + 1) {
                clearLocked(); // not contiguous: start the run again from this message
            }
        }
        if (count == perRoom) {
            dropOldest();
        }
        while (total.get() >= budget && count > 0) {
            dropOldest();
        }
        if (total.get() >= budget) {
            frame.release(); // the node holds its budget in other rooms: none here for now
            return;
        }
        ring[(head + count) % ring.length] = frame;
        count++;
        total.incrementAndGet();
    }

    /** What follows {@code since}: retained frames, which the caller must release. */
    record Hit(StreamPosition latest, List<SharedFrame> frames) {
    }

    /**
     * The frames after {@code since}, retained for the caller, and the newest position held; null
     * when they do not start right after {@code since} (other epoch, too old, or ahead of what
     * arrived here). {@code since} null asks only for the newest position (null when nothing is held).
     */
    synchronized Hit since(StreamPosition since) {
        if (count == 0) {
            return null;
        }
        Message first = ring[head].message();
        Message last = ring[(head + count - 1) % ring.length].message();
        StreamPosition latest = new StreamPosition(last.epoch(), last.offset());
        if (since == null) {
            return new Hit(latest, List.of());
        }
        if (!since.epoch().equals(last.epoch()) || since.offset() < first.offset() - 1 || since.offset() > last.offset()) {
            return null;
        }
        int skip = (int) (since.offset() - first.offset() + 1);
        List<SharedFrame> after = new ArrayList<>(count - skip);
        for (int i = skip; i < count; i++) {
            SharedFrame f = ring[(head + i) % ring.length];
            f.retain();
            after.add(f);
        }
        return new Hit(latest, after);
    }

    /** Releases every frame held (delivery was interrupted: they may not be contiguous with what follows). */
    synchronized void clear() {
        clearLocked();
    }

    /** Releases every frame held and takes no more: the room has no local subscriber any more. */
    synchronized void close() {
        closed = true;
        clearLocked();
    }

    synchronized int size() {
        return count;
    }

    private void clearLocked() {
        while (count > 0) {
            dropOldest();
        }
        head = 0;
    }

    private void dropOldest() {
        SharedFrame f = ring[head];
        ring[head] = null;
        head = (head + 1) % ring.length;
        count--;
        total.decrementAndGet();
        f.release();
    }
}

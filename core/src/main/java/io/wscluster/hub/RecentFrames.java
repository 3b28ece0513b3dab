package io.wscluster.hub;

import io.wscluster.codec.Message;
import io.wscluster.protocol.StreamPosition;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

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
 * frames, and over all rooms at most the frames and bytes of the node's {@link RecentBudget}: the
 * room's oldest go first, and a room that cannot add a frame starts over. Worked example: frames 41..50 held, since 44
 * answers 45..50 with latest 50; since 39 (before 40) or 51 (ahead of what arrived here) go to the
 * history store instead. Thread-safe: one writer (the bus's delivery of the room), any readers.
 */
final class RecentFrames {
    private final int perRoom;
    private final RecentBudget budget;
    /** Oldest first; grows only as frames come, so a quiet room costs next to nothing. */
    private final ArrayDeque<SharedFrame> frames = new ArrayDeque<>(4);
    /** Dropped with its room: a late delivery must not be kept by an instance nobody reads. */
    private boolean closed;

    /** @param budget what every room of the node may hold together, shared by their instances */
    RecentFrames(int perRoom, RecentBudget budget) {
        this.perRoom = perRoom;
        this.budget = budget;
    }

    /** Takes one reference to {@code frame} (the caller counted it among the frame's holders). */
    synchronized void add(SharedFrame frame) {
        if (closed) {
            frame.release();
            return;
        }
        Message m = frame.message();
        SharedFrame newest = frames.peekLast();
        if (newest != null && (!newest.message().epoch().equals(m.epoch()) || m.offset() != newest.message().offset() + 1)) {
            clearLocked(); // not contiguous: start the run again from this message
        }
        if (frames.size() == perRoom) {
            dropOldest();
        }
        int cost = RecentBudget.cost(frame);
        if (!budget.couldFit(cost)) {
            frame.release(); // larger than the whole budget: the next frame starts the run again
            return;
        }
        while (!budget.fits(cost) && !frames.isEmpty()) {
            dropOldest();
        }
        if (!budget.fits(cost)) {
            frame.release(); // the node holds its budget in other rooms: none here for now
            return;
        }
        frames.addLast(frame);
        budget.added(cost);
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
        if (frames.isEmpty()) {
            return null;
        }
        Message first = frames.peekFirst().message();
        Message last = frames.peekLast().message();
        StreamPosition latest = new StreamPosition(last.epoch(), last.offset());
        if (since == null) {
            return new Hit(latest, List.of());
        }
        if (!since.epoch().equals(last.epoch()) || since.offset() < first.offset() - 1 || since.offset() > last.offset()) {
            return null;
        }
        List<SharedFrame> after = new ArrayList<>((int) (last.offset() - since.offset()));
        for (SharedFrame f : frames) {
            if (f.message().offset() > since.offset()) {
                f.retain();
                after.add(f);
            }
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
        return frames.size();
    }

    private void clearLocked() {
        while (!frames.isEmpty()) {
            dropOldest();
        }
    }

    private void dropOldest() {
        SharedFrame oldest = frames.pollFirst();
        budget.dropped(RecentBudget.cost(oldest));
        oldest.release();
    }
}

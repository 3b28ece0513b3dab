package io.wscluster.hub;

import java.util.concurrent.atomic.AtomicLong;

/**
 * What the recent frames of all a node's rooms ({@link RecentFrames}) may hold together: a number
 * of frames and a number of bytes, whichever is reached first. Frames of a few bytes make the
 * count the bound; frames of 60 KB make the bytes the bound (20,000 of them would otherwise hold
 * 1.2 GB of direct memory).
 *
 * <p>A frame's bytes are counted from its message, before any encoding exists: the data's JSON
 * text in UTF-8 (a frame is kept as one buffer per encoding, the payload inside its WebSocket
 * frame), plus {@value #OVERHEAD} bytes for the fields around the data and the objects that hold
 * them. A MessagePack copy, made only when a MessagePack connection receives the frame, is not
 * counted: it is usually smaller than the JSON, though not always (a small floating-point number
 * takes 9 bytes against as few as 3), so with MessagePack connections the bytes held can pass the
 * budget by up to that copy. The count is kept on the frame, so adding and dropping count the
 * same. Thread-safe.
 */
final class RecentBudget {
    static final int OVERHEAD = 200;
    private final long maxFrames;
    private final long maxBytes;
    private final AtomicLong frames = new AtomicLong();
    private final AtomicLong bytes = new AtomicLong();

    RecentBudget(long maxFrames, long maxBytes) {
        this.maxFrames = maxFrames;
        this.maxBytes = maxBytes;
    }

    /** Whether anything can be kept at all. */
    boolean keepsAny() {
        return maxFrames > 0 && maxBytes > 0;
    }

    /** Whether one more frame of {@code cost} bytes fits. */
    boolean fits(long cost) {
        return frames.get() < maxFrames && bytes.get() + cost <= maxBytes;
    }

    /** Whether a frame of {@code cost} bytes could ever fit, even with nothing else held. */
    boolean couldFit(long cost) {
        return maxFrames > 0 && cost <= maxBytes;
    }

    void added(long cost) {
        frames.incrementAndGet();
        bytes.addAndGet(cost);
    }

    void dropped(long cost) {
        frames.decrementAndGet();
        bytes.addAndGet(-cost);
    }

    long frames() {
        return frames.get();
    }

    long bytes() {
        return bytes.get();
    }

    /** The bytes {@code frame} is counted for: computed once, then kept on the frame. */
    static int cost(SharedFrame frame) {
        int cost = frame.recentCost;
        if (cost < 0) {
            cost = (int) Math.min(Integer.MAX_VALUE, (long) frame.message().data().utf8Length() + OVERHEAD);
            frame.recentCost = cost;
        }
        return cost;
    }
}

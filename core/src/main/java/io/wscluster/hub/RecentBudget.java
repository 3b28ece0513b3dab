package io.wscluster.hub;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.BinaryNode;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the recent frames of all a node's rooms ({@link RecentFrames}) may hold together: a number
 * of frames and a number of bytes, whichever is reached first. Frames of a few bytes make the
 * count the bound; frames of 60 KB make the bytes the bound (20,000 of them would otherwise hold
 * 2.4 GB of direct memory).
 *
 * <p>A frame's bytes are estimated from its message, before any encoding exists: the data's JSON
 * size (strings in UTF-8, escapes not counted) twice, as a frame is kept as a payload and as a
 * complete WebSocket frame, plus {@value #OVERHEAD} bytes for the objects around them. The walk
 * costs a few nanoseconds per JSON node and allocates nothing; the estimate is kept on the frame,
 * so adding and dropping count the same. Thread-safe.
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
            long estimate = 2 * jsonBytes(frame.message().data()) + OVERHEAD;
            cost = (int) Math.min(Integer.MAX_VALUE, estimate);
            frame.recentCost = cost;
        }
        return cost;
    }

    /** About the bytes of {@code node} as JSON. */
    static long jsonBytes(JsonNode node) {
        if (node == null) {
            return 4;
        }
        if (node.isTextual()) {
            return utf8Length(node.textValue()) + 2;
        }
        if (node instanceof BinaryNode binary) {
            return binary.binaryValue().length * 4L / 3 + 4; // as base64
        }
        if (node.isObject()) {
            long n = 2;
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> field = it.next();
                n += utf8Length(field.getKey()) + 4 + jsonBytes(field.getValue());
            }
            return n;
        }
        if (node.isArray()) {
            long n = 2;
            for (JsonNode element : node) {
                n += jsonBytes(element) + 1;
            }
            return n;
        }
        return node.isNumber() ? 20 : 5; // a number at most; true, false, null
    }

    private static long utf8Length(String s) {
        long n = s.length();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= 0x80) {
                n += c >= 0x800 && !Character.isSurrogate(c) ? 2 : 1; // a surrogate pair: 4 bytes for 2 chars
            }
        }
        return n;
    }
}

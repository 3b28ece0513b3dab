package io.wscluster.protocol;

/**
 * A place in a room's stream: the epoch of its history and an offset within that epoch.
 * Offsets start at 1 for the first message of an epoch; offset 0 means "before the first message".
 */
public record StreamPosition(String epoch, long offset) {
    public StreamPosition {
        if (epoch == null) {
            throw new IllegalArgumentException("epoch must not be null");
        }
        if (offset < 0) {
            throw new IllegalArgumentException("offset must be >= 0, was " + offset);
        }
    }

    /** The earlier of two positions of one room, or null when they are of different epochs (neither can be told safe). */
    public static StreamPosition earlier(StreamPosition a, StreamPosition b) {
        if (!a.epoch().equals(b.epoch())) {
            return null;
        }
        return b.offset() < a.offset() ? b : a;
    }
}

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
}

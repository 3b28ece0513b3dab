package io.wscluster.loadtest;

/**
 * Delivery accounting for one room, summed over its subscribers: each subscriber expects every
 * offset after the one it subscribed at, up to the room's last offset. Tallies from several
 * processes add up, except {@code lastOffset}, which is the largest any publisher saw acked.
 *
 * @param subscribers subscribers counted
 * @param sumStart    sum of the offsets they subscribed at
 * @param received    distinct messages they received
 * @param lastOffset  the room's last acked offset
 */
public record RoomTally(long subscribers, long sumStart, long received, long lastOffset) {
    public long expected() {
        return subscribers * lastOffset - sumStart;
    }

    RoomTally plus(RoomTally o) {
        return new RoomTally(subscribers + o.subscribers, sumStart + o.sumStart, received + o.received,
                Math.max(lastOffset, o.lastOffset));
    }
}

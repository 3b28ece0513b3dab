package io.wscluster.hub;

import io.wscluster.codec.OutboundFrame;
import io.wscluster.codec.ServerFrames;

/**
 * The bus may have lost messages sent to {@code user} ({@code send}), or, when {@code user} is
 * null, broadcasts, between {@code fromMillis} (its connection to the backend was lost) and
 * {@code toMillis} (the channel was confirmed again). Such messages carry no offsets and have no
 * history, so nothing can be repaired: the sessions concerned are told, in line with what the
 * shards deliver, before anything that arrives after the break.
 */
record DirectGap(String user, long fromMillis, long toMillis) implements ShardNotice {
    /** Which messages: {@code user} or {@code broadcast}. */
    String of() {
        return user == null ? "broadcast" : "user";
    }

    OutboundFrame frame() {
        return ServerFrames.directGap(of(), fromMillis, toMillis);
    }
}

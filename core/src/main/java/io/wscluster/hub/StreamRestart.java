package io.wscluster.hub;

import io.wscluster.codec.OutboundFrame;
import io.wscluster.codec.ServerFrames;
import io.wscluster.protocol.StreamPosition;

/**
 * A room's messages on this node do not follow on from what its subscribers were handed: the node
 * lost some that the history no longer holds, or the stream restarted in another epoch ({@link
 * RoomStream}). It travels to the shards in line with the room's messages, so each subscriber is
 * told right before the first message after the break: a {@code subscribed} frame without
 * {@code id}, with {@code recovered: false}, the position the stream goes on from, and why.
 */
record StreamRestart(String room, StreamPosition at, String reason) implements ShardNotice {
    /** The stream went back to an earlier offset: every subscriber is told and goes on from there, however far it was. */
    boolean rewound() {
        return RoomStream.REWOUND.equals(reason);
    }

    OutboundFrame frame() {
        return ServerFrames.restarted(room, at, reason);
    }
}

package io.wscluster.redis;

import java.util.Objects;

/**
 * Key and channel names, all under one namespace per cluster. Room keys put the room in a hash
 * tag ({@code {room}}), so meta, stream, channel and presence of a room share a Redis Cluster slot.
 */
final class RedisKeys {
    private final String ns;

    RedisKeys(String namespace) {
        this.ns = Objects.requireNonNull(namespace, "namespace");
    }

    String namespace() {
        return ns;
    }

    /** Hash of a room's epoch ({@code e}) and last offset ({@code o}). */
    String roomMeta(String room) {
        return ns + ":{" + room + "}:m";
    }

    /** Stream of a room's bounded history; entry ids are {@code <offset>-0}. */
    String roomHistory(String room) {
        return ns + ":{" + room + "}:h";
    }

    /** Where a publish's idempotency key (as scoped by the caller) keeps the placement it got, in the room's slot. */
    String roomIdempotency(String room, String key) {
        return ns + ":{" + room + "}:i:" + key;
    }

    String roomChannel(String room) {
        return ns + ":{" + room + "}:c";
    }

    String userChannel(String user) {
        return ns + ":u:" + user;
    }

    String broadcastChannel() {
        return ns + ":b";
    }

    /** A node's membership record, its {@code NodeInfo} as JSON. */
    String nodeRecord(String nodeId) {
        return ns + ":node:" + nodeId;
    }

    /** Sorted set of the registered node ids, scored by the time of their last heartbeat. */
    String nodeIds() {
        return ns + ":nodes";
    }

    /** Channel of membership events. */
    String membershipEvents() {
        return ns + ":events";
    }

    /** The room of a room channel, or null when {@code channel} is not one. */
    String roomOfChannel(String channel) {
        String prefix = ns + ":{";
        if (channel.startsWith(prefix) && channel.endsWith("}:c")) {
            return channel.substring(prefix.length(), channel.length() - 3);
        }
        return null;
    }

    /** The user of a user channel, or null. */
    String userOfChannel(String channel) {
        String prefix = ns + ":u:";
        return channel.startsWith(prefix) ? channel.substring(prefix.length()) : null;
    }
}

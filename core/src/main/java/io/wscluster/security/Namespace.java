package io.wscluster.security;

import java.time.Duration;
import java.util.Objects;

/**
 * The rules of one namespace's rooms ({@code chat:general} is in {@code chat}; a room without a
 * known prefix is in the default namespace, whose name is empty): who may subscribe, publish, read
 * history and read presence, whether presence is kept at all, and how much history is kept.
 *
 * @param historySize messages kept per room; null: the node's {@code history-size}
 * @param historyTtl  how long an idle room's history is kept; null: the node's {@code history-ttl}
 * @param historyMaxBytes bytes of messages kept per room; null: the node's {@code history-max-bytes}
 * @param overflow what a connection that reads too slowly gets of these rooms; null: {@code disconnect}
 */
public record Namespace(String name, RoomAccess subscribe, RoomAccess publish, RoomAccess history, RoomAccess presence,
                        boolean trackPresence, Integer historySize, Duration historyTtl, Integer historyMaxBytes,
                        OverflowPolicy overflow) {
    public Namespace {
        Objects.requireNonNull(name, "name");
        overflow = overflow == null ? OverflowPolicy.DISCONNECT : overflow;
        Objects.requireNonNull(subscribe, "subscribe");
        Objects.requireNonNull(publish, "publish");
        Objects.requireNonNull(history, "history");
        Objects.requireNonNull(presence, "presence");
    }

    /** A namespace that keeps the node's history. */
    public Namespace(String name, RoomAccess subscribe, RoomAccess publish, RoomAccess history, RoomAccess presence,
                     boolean trackPresence) {
        this(name, subscribe, publish, history, presence, trackPresence, null, null, null, null);
    }

    /** Everything allowed to anyone: the embedding API's default, where its authorizer decides. */
    public static Namespace open(String name) {
        return new Namespace(name, RoomAccess.ANYONE, RoomAccess.ANYONE, RoomAccess.ANYONE, RoomAccess.ANYONE, true);
    }

    public RoomAccess level(RoomAction action) {
        return switch (action) {
            case SUBSCRIBE -> subscribe;
            case PUBLISH -> publish;
            case HISTORY -> history;
            case PRESENCE -> presence;
        };
    }

    /** How refusals name it. */
    public String describe() {
        return name.isEmpty() ? "the default namespace" : "namespace '" + name + "'";
    }
}

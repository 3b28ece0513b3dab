package io.wscluster.security;

import java.time.Duration;
import java.util.Objects;

/**
 * One namespace as configured: each rule it sets, null for those it leaves to the default
 * namespace's (and, for history size, TTL and bytes, to the node's). {@link #resolve} fills them in.
 */
public record NamespaceSpec(String name, RoomAccess subscribe, RoomAccess publish, RoomAccess history, RoomAccess presence,
                            Boolean trackPresence, Integer historySize, Duration historyTtl, Integer historyMaxBytes,
                            OverflowPolicy overflow) {
    public NamespaceSpec {
        Objects.requireNonNull(name, "name");
        if (name.isEmpty() || name.indexOf(':') >= 0 || !io.wscluster.protocol.Names.isValidRoom(name)) {
            throw new IllegalArgumentException("namespace name '" + name + "' must be a room name without ':'");
        }
        if (historySize != null && (historySize < 0 || historySize > 1_000_000)) {
            throw new IllegalArgumentException("history-size '" + historySize + "' is not 0 to 1000000");
        }
        if (historyTtl != null && historyTtl.toSeconds() < 1) {
            throw new IllegalArgumentException("history-ttl '" + historyTtl + "' is shorter than 1s");
        }
        if (historyMaxBytes != null && historyMaxBytes < 0) {
            throw new IllegalArgumentException("history-max-bytes '" + historyMaxBytes + "' is not 0 (no byte cap) or more");
        }
    }

    /** A namespace that keeps the node's history. */
    public NamespaceSpec(String name, RoomAccess subscribe, RoomAccess publish, RoomAccess history, RoomAccess presence,
                         Boolean trackPresence) {
        this(name, subscribe, publish, history, presence, trackPresence, null, null, null, null);
    }

    public Namespace resolve(Namespace defaults) {
        return new Namespace(name, or(subscribe, defaults.subscribe()), or(publish, defaults.publish()),
                or(history, or(subscribe, defaults.history())), or(presence, defaults.presence()),
                trackPresence != null ? trackPresence : defaults.trackPresence(), historySize, historyTtl, historyMaxBytes,
                or(overflow, defaults.overflow()));
    }

    private static <T> T or(T value, T fallback) {
        return value != null ? value : fallback;
    }
}

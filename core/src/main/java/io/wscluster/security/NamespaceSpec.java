package io.wscluster.security;

import java.util.Objects;

/**
 * One namespace as configured: each rule it sets, null for those it leaves to the default
 * namespace's. {@link #resolve} fills them in.
 */
public record NamespaceSpec(String name, RoomAccess subscribe, RoomAccess publish, RoomAccess history, RoomAccess presence,
                            Boolean trackPresence) {
    public NamespaceSpec {
        Objects.requireNonNull(name, "name");
        if (name.isEmpty() || name.indexOf(':') >= 0 || !io.wscluster.protocol.Names.isValidRoom(name)) {
            throw new IllegalArgumentException("namespace name '" + name + "' must be a room name without ':'");
        }
    }

    public Namespace resolve(Namespace defaults) {
        return new Namespace(name, or(subscribe, defaults.subscribe()), or(publish, defaults.publish()),
                or(history, or(subscribe, defaults.history())), or(presence, defaults.presence()),
                trackPresence != null ? trackPresence : defaults.trackPresence());
    }

    private static <T> T or(T value, T fallback) {
        return value != null ? value : fallback;
    }
}

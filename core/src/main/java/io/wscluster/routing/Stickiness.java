package io.wscluster.routing;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * How a returning client finds its node again (the {@code sticky} setting). The first three keep a
 * mapping in the {@link StickyRegistry}: the client goes back to the mapped node while that node
 * takes connections, and is placed anew (and remapped) when it does not.
 */
public enum Stickiness {
    /** No stickiness: every connection is placed by the algorithm. */
    NONE,
    /** By user id (from the token): all of a user's connections on one node, so `send` stays local. */
    USER,
    /** By session id ({@code ?session=}): a reconnecting client returns to its node. */
    SESSION,
    /** By client address: for clients without tokens or sessions. */
    IP,
    /**
     * By a configured key (the {@code sticky-key} query parameter, e.g. a tenant or game id),
     * hashed onto a consistent-hash ring of the nodes: every connection with the same key lands on
     * one node without any registry, and a node joining or leaving moves about 1/N of the keys.
     */
    KEY,
    /**
     * By region: a client goes to a node of its own region (the {@code region} query parameter),
     * else of the nearest region with capacity (the {@code region-neighbors} setting), and the
     * algorithm chooses among those.
     */
    REGION;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Throws {@link IllegalArgumentException} listing the valid names. */
    public static Stickiness parse(String name) {
        for (Stickiness s : values()) {
            if (s.wireName().equals(name)) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown sticky strategy '" + name + "': expected one of "
                + Arrays.stream(values()).map(Stickiness::wireName).collect(Collectors.joining(", ")));
    }

    /** The registry key of a request under this strategy; null when it has none (or the strategy keeps no mapping). */
    String registryKey(RouteRequest r) {
        return switch (this) {
            case USER -> r.userId() == null ? null : "u:" + r.userId();
            case SESSION -> r.sessionId() == null ? null : "s:" + r.sessionId();
            case IP -> r.clientIp() == null ? null : "ip:" + r.clientIp();
            case NONE, KEY, REGION -> null;
        };
    }
}

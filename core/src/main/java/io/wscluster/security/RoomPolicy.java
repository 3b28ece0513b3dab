package io.wscluster.security;

import java.util.List;
import java.util.Map;

/**
 * The configured rules of rooms, by namespace: what a client may do to a room given its principal
 * and any subscription token it showed. Immutable and allocation-free on the checks, which run on
 * every publish and subscribe; the embedding API's {@link Authorizer} is asked after it.
 */
public final class RoomPolicy {
    /** Everything allowed to anyone: for hubs built without configuration. */
    public static final RoomPolicy OPEN = new RoomPolicy(Namespace.open(""), Map.of());
    /**
     * The prefix of the nodes' own rooms ({@code wsc:metrics}, {@code wsc:alerts}): whatever the
     * namespaces say, a client reads them only with a grant of the room (its token's {@code rooms}
     * claim, a subscription token, or the operator listener's dashboard sessions) and never
     * publishes to them, so that opening the default namespace never opens the operator's view.
     */
    public static final String SYSTEM_PREFIX = "wsc:";

    private final Namespace defaults;
    private final Namespace[] named;

    /** @param named namespace name to rules; the names hold no {@code :} */
    public RoomPolicy(Namespace defaults, Map<String, Namespace> named) {
        this.defaults = defaults;
        this.named = named.values().toArray(Namespace[]::new);
        for (Map.Entry<String, Namespace> e : named.entrySet()) {
            if (!e.getKey().equals(e.getValue().name()) || e.getKey().isEmpty() || e.getKey().indexOf(':') >= 0) {
                throw new IllegalArgumentException("namespace name '" + e.getKey() + "' must be non-empty, without ':'");
            }
        }
    }

    public Namespace defaults() {
        return defaults;
    }

    public List<Namespace> namespaces() {
        return List.of(named);
    }

    /** The namespace of {@code room}: the one its prefix before the first {@code :} names, else the default. */
    public Namespace namespaceOf(String room) {
        for (Namespace n : named) {
            int len = n.name().length();
            if (room.length() > len && room.charAt(len) == ':' && room.startsWith(n.name())) {
                return n;
            }
        }
        return defaults;
    }

    /**
     * Null when {@code principal} may do {@code action} to {@code room}, else why not, in words for
     * the client's {@code forbidden} error.
     *
     * @param subscriptionGrant a verified subscription token for this room and user was shown
     */
    public String refusal(RoomAction action, Principal principal, String room, boolean subscriptionGrant) {
        if (room.startsWith(SYSTEM_PREFIX)) {
            return action.reads() && (subscriptionGrant || principal.reads().matches(room)) ? null
                    : "no " + action.wireName() + " permission on room '" + room + "': the rooms of " + SYSTEM_PREFIX
                    + " are the nodes' own; a client reads them only with a token that grants them, and never publishes to them";
        }
        Namespace ns = namespaceOf(room);
        RoomAccess level = ns.level(action);
        if (level == RoomAccess.ANYONE || level == RoomAccess.AUTHENTICATED && !principal.anonymous()) {
            return null;
        }
        if (level != RoomAccess.OFF && (subscriptionGrant && action.reads()
                || (action.reads() ? principal.reads() : principal.publishes()).matches(room))) {
            return null;
        }
        return "no " + action.wireName() + " permission on room '" + room + "': " + ns.describe() + " allows "
                + level.describe();
    }
}

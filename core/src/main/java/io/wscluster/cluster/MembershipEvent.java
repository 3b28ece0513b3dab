package io.wscluster.cluster;

import java.util.Locale;
import java.util.Objects;

/**
 * A change in the cluster as announced by the node it concerns: it joined (registered, or
 * registered again after its record was lost), its {@link NodeState} changed, or it left in good
 * order (stop or drain). A node that crashes announces nothing: it just disappears from
 * {@link Membership#nodes()}. On a Redis channel:
 * {@code {"type":"join"|"leave"|"update","node":"<id>"}}.
 */
public record MembershipEvent(Type type, String nodeId) {
    public enum Type {
        JOIN, LEAVE, UPDATE;

        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public MembershipEvent {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(nodeId, "nodeId");
    }
}

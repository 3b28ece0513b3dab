package io.wscluster.security;

import java.util.Objects;

/**
 * The identity of a connection: the verified user id, or none for an anonymous connection.
 * {@code expiresAtMillis} is the token's expiry, or 0 when it has none. {@code reads} and {@code
 * publishes} are the rooms its token grants (its {@code rooms} and {@code publish_rooms} claims).
 */
public record Principal(String userId, long expiresAtMillis, RoomPatterns reads, RoomPatterns publishes) {
    public static final Principal ANONYMOUS = new Principal(null, 0);

    public Principal {
        Objects.requireNonNull(reads, "reads");
        Objects.requireNonNull(publishes, "publishes");
    }

    /** A principal whose token grants no rooms. */
    public Principal(String userId, long expiresAtMillis) {
        this(userId, expiresAtMillis, RoomPatterns.NONE, RoomPatterns.NONE);
    }

    public boolean anonymous() {
        return userId == null;
    }
}

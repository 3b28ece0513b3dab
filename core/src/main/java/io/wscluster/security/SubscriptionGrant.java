package io.wscluster.security;

/**
 * What a verified subscription token says: {@code room} may be read by {@code userId} (null: an
 * anonymous connection) until {@code expiresAtMillis} (0: no expiry).
 */
public record SubscriptionGrant(String userId, String room, long expiresAtMillis) {

    /** Whether this grant was issued for {@code principal}'s connection. */
    public boolean isFor(Principal principal) {
        return java.util.Objects.equals(userId, principal.userId());
    }
}

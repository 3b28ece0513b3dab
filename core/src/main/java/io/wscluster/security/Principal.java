package io.wscluster.security;

/**
 * The identity of a connection: the verified user id, or none for an anonymous connection.
 * {@code expiresAtMillis} is the token's expiry, or 0 when it has none.
 */
public record Principal(String userId, long expiresAtMillis) {
    public static final Principal ANONYMOUS = new Principal(null, 0);

    public boolean anonymous() {
        return userId == null;
    }
}

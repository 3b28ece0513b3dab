package io.wscluster.security;

/**
 * The credential of an {@code Authorization: Bearer <credential>} header, read the same way by the
 * node's upgrade and operator endpoints and by the gateway: the scheme in any case, the credential
 * trimmed.
 */
public final class Bearer {
    private static final String SCHEME = "Bearer ";

    private Bearer() {
    }

    /** The credential, possibly empty; null when there is no header or it names another scheme. */
    public static String credential(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, SCHEME, 0, SCHEME.length())) {
            return null;
        }
        return authorization.substring(SCHEME.length()).trim();
    }
}

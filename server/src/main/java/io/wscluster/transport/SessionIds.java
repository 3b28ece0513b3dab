package io.wscluster.transport;

import java.security.SecureRandom;
import java.util.Base64;

/**
 * Session ids: 128 random bits, URL-safe, issued by the server only. Unguessable, because a
 * session id (with the same user, or anonymous for an anonymous session) is enough to resume a
 * session's rooms after a reconnect.
 */
final class SessionIds {
    /** 16 bytes in unpadded base64url. */
    static final int LENGTH = 22;
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();

    private SessionIds() {
    }

    static String next() {
        byte[] bytes = new byte[16];
        RANDOM.nextBytes(bytes);
        return ENCODER.encodeToString(bytes);
    }

    /** Whether {@code id} has the shape of an id this server issues; a client-invented name does not. */
    static boolean wellFormed(String id) {
        if (id == null || id.length() != LENGTH) {
            return false;
        }
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            boolean ok = c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_';
            if (!ok) {
                return false;
            }
        }
        return true;
    }
}

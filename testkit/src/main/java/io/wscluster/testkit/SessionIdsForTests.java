package io.wscluster.testkit;

import java.security.SecureRandom;
import java.util.Base64;

/**
 * Session ids of the shape a node issues (128 random bits, 22 URL-safe characters), for tests that
 * must name a session before its first connection (sticky routing through a gateway, a resume
 * planned ahead). A node refuses any other shape.
 */
public final class SessionIdsForTests {
    private static final SecureRandom RANDOM = new SecureRandom();

    private SessionIdsForTests() {
    }

    public static String next() {
        byte[] bytes = new byte[16];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}

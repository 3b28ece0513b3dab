package io.wscluster.testkit;

import com.auth0.jwt.JWT;
import com.auth0.jwt.algorithms.Algorithm;
import java.time.Instant;

/** HS256 tokens for tests. */
public final class Tokens {
    private Tokens() {
    }

    public static String hs256(String secret, String subject) {
        return JWT.create().withSubject(subject).withExpiresAt(Instant.now().plusSeconds(3600)).sign(Algorithm.HMAC256(secret));
    }

    public static String expired(String secret, String subject) {
        return JWT.create().withSubject(subject).withExpiresAt(Instant.now().minusSeconds(60)).sign(Algorithm.HMAC256(secret));
    }
}

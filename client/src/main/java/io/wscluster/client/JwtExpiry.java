package io.wscluster.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * The {@code exp} claim of a JWT, read without verifying it: the client only needs to know when to
 * ask for the next token; the server verifies. Not a JWT library on purpose: reading one claim of
 * the payload (base64url JSON) is all it takes, and SDK users should not get a JWT library with it.
 */
final class JwtExpiry {
    private static final ObjectMapper JSON = new ObjectMapper();

    private JwtExpiry() {
    }

    /** The token's {@code exp} in epoch milliseconds, or 0 when it has none or is no JWT. */
    static long millis(String token) {
        if (token == null) {
            return 0;
        }
        String[] parts = token.split("\\.", -1);
        if (parts.length != 3) {
            return 0;
        }
        try {
            JsonNode exp = JSON.readTree(new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8)).path("exp");
            return exp.isNumber() && exp.asDouble() > 0 ? (long) (exp.asDouble() * 1000) : 0;
        } catch (Exception e) {
            return 0; // not ours to judge: the server refuses a token it cannot read
        }
    }

    /**
     * How long after {@code nowMillis} to ask for the next token, for one that expires at {@code
     * expMillis}: at 85% of its remaining life, but at least 5 s before it expires when it lives
     * longer than 10 s (the supplier and the round trip need time), else at half of it; never
     * less than 0.
     */
    static long refreshDelayMillis(long expMillis, long nowMillis) {
        long remaining = expMillis - nowMillis;
        if (remaining <= 0) {
            return 0;
        }
        long lead = Math.max(remaining * 15 / 100, Math.min(5_000, remaining / 2));
        return remaining - lead;
    }
}

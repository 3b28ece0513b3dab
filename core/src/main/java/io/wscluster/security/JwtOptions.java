package io.wscluster.security;

import java.net.URI;
import java.security.PublicKey;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * How user tokens are verified: the keys that may sign them (an HMAC secret for HS256/384/512,
 * public keys for RS256 and ES256, a JWKS URL whose keys are picked by {@code kid}) and the claims
 * checked. Shared by nodes and the gateway, so that both accept exactly the same tokens.
 *
 * @param maxLifetime the longest a token may still live when shown ({@code exp} required); null: no bound
 */
public record JwtOptions(String secret, List<PublicKey> publicKeys, URI jwksUrl, Duration leeway, String issuer, String audience,
                         Duration maxLifetime) {
    public static final JwtOptions NONE = new JwtOptions(null, List.of(), null, Duration.ZERO, null, null, null);

    public JwtOptions {
        publicKeys = List.copyOf(publicKeys);
        Objects.requireNonNull(leeway, "leeway");
    }

    /** Whether any key is configured, i.e. tokens can be accepted at all. */
    public boolean enabled() {
        return secret != null || !publicKeys.isEmpty() || jwksUrl != null;
    }

    public JwtOptions withSecret(String v) {
        return new JwtOptions(v, publicKeys, jwksUrl, leeway, issuer, audience, maxLifetime);
    }

    public JwtOptions withPublicKeys(List<PublicKey> v) {
        return new JwtOptions(secret, v, jwksUrl, leeway, issuer, audience, maxLifetime);
    }

    public JwtOptions withJwksUrl(URI v) {
        return new JwtOptions(secret, publicKeys, v, leeway, issuer, audience, maxLifetime);
    }

    public JwtOptions withLeeway(Duration v) {
        return new JwtOptions(secret, publicKeys, jwksUrl, v, issuer, audience, maxLifetime);
    }

    public JwtOptions withIssuer(String v) {
        return new JwtOptions(secret, publicKeys, jwksUrl, leeway, v, audience, maxLifetime);
    }

    public JwtOptions withAudience(String v) {
        return new JwtOptions(secret, publicKeys, jwksUrl, leeway, issuer, v, maxLifetime);
    }

    public JwtOptions withMaxLifetime(Duration v) {
        return new JwtOptions(secret, publicKeys, jwksUrl, leeway, issuer, audience, v);
    }
}

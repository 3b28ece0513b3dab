package io.wscluster.security;

import com.auth0.jwt.JWT;
import com.auth0.jwt.JWTVerifier;
import com.auth0.jwt.algorithms.Algorithm;
import com.auth0.jwt.exceptions.AlgorithmMismatchException;
import com.auth0.jwt.exceptions.IncorrectClaimException;
import com.auth0.jwt.exceptions.JWTDecodeException;
import com.auth0.jwt.exceptions.JWTVerificationException;
import com.auth0.jwt.exceptions.MissingClaimException;
import com.auth0.jwt.exceptions.SignatureVerificationException;
import com.auth0.jwt.exceptions.TokenExpiredException;
import com.auth0.jwt.interfaces.Claim;
import com.auth0.jwt.interfaces.DecodedJWT;
import com.auth0.jwt.interfaces.ECDSAKeyProvider;
import com.auth0.jwt.interfaces.RSAKeyProvider;
import com.auth0.jwt.interfaces.Verification;
import io.wscluster.protocol.ErrorCode;
import io.wscluster.protocol.Names;
import io.wscluster.protocol.ProtocolException;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Verifies JWTs: HS256/384/512 with the shared secret, RS256 and ES256 with configured public keys
 * or a JWKS's keys picked by {@code kid}. Checks {@code exp}, {@code nbf} and {@code iat} with a
 * clock-skew leeway, {@code iss} and {@code aud} when configured, and an optional longest lifetime.
 * The {@code sub} claim is the user id; {@code rooms} and {@code publish_rooms} grant rooms. A
 * subscription token carries a {@code room} claim and is never accepted as a connection token.
 * Refusals name what is wrong in the project's own words, never the JWT library's.
 */
public final class JwtTokenVerifier implements TokenVerifier {
    static final String ROOM = "room";
    static final String ROOMS = "rooms";
    static final String PUBLISH_ROOMS = "publish_rooms";

    private final JwtOptions options;
    private final List<PublicKey> staticKeys;
    private final JwksKeys jwks;
    /** Header {@code alg} to the verifier of that algorithm; an algorithm not here is refused. */
    private final Map<String, JWTVerifier> verifiers = new LinkedHashMap<>();

    public JwtTokenVerifier(String secret) {
        this(secret, Duration.ZERO, null, null);
    }

    public JwtTokenVerifier(String secret, Duration leeway, String issuer, String audience) {
        this(JwtOptions.NONE.withSecret(requireSecret(secret)).withLeeway(leeway).withIssuer(issuer).withAudience(audience), null);
    }

    /** @param jwks the keys of {@code options.jwksUrl()}, or null when none is configured */
    public JwtTokenVerifier(JwtOptions options, JwksKeys jwks) {
        if (!options.enabled()) {
            throw new IllegalArgumentException("no key to verify tokens with");
        }
        this.options = options;
        this.staticKeys = options.publicKeys();
        this.jwks = jwks;
        if (options.secret() != null) {
            String secret = requireSecret(options.secret());
            verifiers.put("HS256", build(Algorithm.HMAC256(secret)));
            verifiers.put("HS384", build(Algorithm.HMAC384(secret)));
            verifiers.put("HS512", build(Algorithm.HMAC512(secret)));
        }
        if (jwks != null || staticKeys.stream().anyMatch(k -> k instanceof RSAPublicKey)) {
            verifiers.put("RS256", build(Algorithm.RSA256(new RSAKeyProvider() {
                @Override public RSAPublicKey getPublicKeyById(String kid) { return find(kid, RSAPublicKey.class); }
                @Override public java.security.interfaces.RSAPrivateKey getPrivateKey() { return null; }
                @Override public String getPrivateKeyId() { return null; }
            })));
        }
        if (jwks != null || staticKeys.stream().anyMatch(k -> k instanceof ECPublicKey)) {
            verifiers.put("ES256", build(Algorithm.ECDSA256(new ECDSAKeyProvider() {
                @Override public ECPublicKey getPublicKeyById(String kid) { return find(kid, ECPublicKey.class); }
                @Override public java.security.interfaces.ECPrivateKey getPrivateKey() { return null; }
                @Override public String getPrivateKeyId() { return null; }
            })));
        }
    }

    private static String requireSecret(String secret) {
        if (secret == null || secret.isEmpty()) {
            throw new IllegalArgumentException("secret must not be empty");
        }
        return secret;
    }

    private JWTVerifier build(Algorithm algorithm) {
        Verification v = JWT.require(algorithm).acceptLeeway(options.leeway().toSeconds());
        if (options.issuer() != null) {
            v.withIssuer(options.issuer());
        }
        if (options.audience() != null) {
            v.withAnyOfAudience(options.audience());
        }
        return v.build();
    }

    /** The key named {@code kid} in the JWKS, else the configured key of that type. */
    private <K> K find(String kid, Class<K> type) {
        if (jwks != null && kid != null) {
            PublicKey key = jwks.key(kid);
            if (type.isInstance(key)) {
                return type.cast(key);
            }
        }
        for (PublicKey key : staticKeys) {
            if (type.isInstance(key)) {
                return type.cast(key);
            }
        }
        return null;
    }

    @Override
    public Principal verify(String token) {
        DecodedJWT jwt = verified(token);
        if (!jwt.getClaim(ROOM).isMissing()) {
            throw refused("a subscription token cannot open a connection");
        }
        String subject = jwt.getSubject();
        if (subject == null || subject.isEmpty() || subject.length() > Names.MAX_ID_LENGTH) {
            throw new ProtocolException(ErrorCode.UNAUTHORIZED, "token has no valid 'sub' claim");
        }
        return new Principal(subject, expiry(jwt), patterns(jwt, ROOMS), patterns(jwt, PUBLISH_ROOMS));
    }

    @Override
    public SubscriptionGrant verifySubscription(String token) {
        DecodedJWT jwt = verified(token);
        String room = jwt.getClaim(ROOM).asString();
        if (room == null || !Names.isValidRoom(room)) {
            throw refused("a subscription token needs a 'room' claim naming one room");
        }
        String subject = jwt.getSubject();
        return new SubscriptionGrant(subject == null || subject.isEmpty() ? null : subject, room, expiry(jwt));
    }

    private DecodedJWT verified(String token) {
        try {
            DecodedJWT decoded = JWT.decode(token);
            JWTVerifier verifier = verifiers.get(decoded.getAlgorithm());
            if (verifier == null) {
                throw refused("algorithm '" + decoded.getAlgorithm() + "' not accepted (accepted: "
                        + String.join(", ", verifiers.keySet()) + ")");
            }
            if (decoded.getAlgorithm().startsWith("RS") || decoded.getAlgorithm().startsWith("ES")) {
                Class<?> type = decoded.getAlgorithm().startsWith("RS") ? RSAPublicKey.class : ECPublicKey.class;
                if (find(decoded.getKeyId(), type) == null) {
                    throw refused(decoded.getKeyId() == null ? "no 'kid' names its signing key"
                            : "signing key '" + decoded.getKeyId() + "' is not known (yet)");
                }
            }
            DecodedJWT jwt = verifier.verify(decoded);
            checkLifetime(jwt);
            return jwt;
        } catch (TokenExpiredException e) {
            throw new ProtocolException(ErrorCode.UNAUTHORIZED, "token expired");
        } catch (JWTVerificationException e) {
            throw refused(reason(e));
        } catch (IllegalArgumentException | NullPointerException e) {
            throw refused("not a well-formed JWT"); // a null or empty token
        }
    }

    private void checkLifetime(DecodedJWT jwt) {
        Duration max = options.maxLifetime();
        if (max == null) {
            return;
        }
        Date expires = jwt.getExpiresAt();
        if (expires == null) {
            throw refused("no 'exp' (tokens must expire within " + max + ")");
        }
        if (expires.getTime() - System.currentTimeMillis() > max.plus(options.leeway()).toMillis()) {
            throw refused("lives longer than the " + max + " allowed");
        }
    }

    private static long expiry(DecodedJWT jwt) {
        Date expires = jwt.getExpiresAt();
        return expires == null ? 0 : expires.getTime();
    }

    private static RoomPatterns patterns(DecodedJWT jwt, String claim) {
        Claim c = jwt.getClaim(claim);
        if (c.isMissing() || c.isNull()) {
            return RoomPatterns.NONE;
        }
        List<String> list;
        try {
            list = c.asList(String.class);
        } catch (JWTDecodeException e) {
            list = null;
        }
        if (list == null) {
            throw refused("claim '" + claim + "' must be a list of room names or patterns");
        }
        try {
            return RoomPatterns.of(list);
        } catch (IllegalArgumentException e) {
            throw refused("claim '" + claim + "': " + e.getMessage());
        }
    }

    private static ProtocolException refused(String why) {
        return new ProtocolException(ErrorCode.UNAUTHORIZED, "invalid token: " + why);
    }

    /** What is wrong, in our words: the library's messages name its classes and echo token parts. */
    private static String reason(JWTVerificationException e) {
        if (e instanceof JWTDecodeException) {
            return "not a well-formed JWT";
        }
        if (e instanceof SignatureVerificationException) {
            return "signature does not verify";
        }
        if (e instanceof AlgorithmMismatchException) {
            return "algorithm not accepted";
        }
        if (e instanceof MissingClaimException missing) {
            return "missing claim '" + missing.getClaimName() + "'";
        }
        if (e instanceof IncorrectClaimException wrong) {
            return switch (wrong.getClaimName()) {
                case "nbf" -> "not valid yet ('nbf')";
                case "iat" -> "issued in the future ('iat')";
                default -> "claim '" + wrong.getClaimName() + "' not accepted";
            };
        }
        return "rejected";
    }
}

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
import com.auth0.jwt.interfaces.DecodedJWT;
import com.auth0.jwt.interfaces.Verification;
import io.wscluster.protocol.ErrorCode;
import io.wscluster.protocol.Names;
import io.wscluster.protocol.ProtocolException;
import java.time.Duration;
import java.util.Date;

/**
 * Verifies HS256 JWTs signed with a shared secret; the {@code sub} claim is the user id. Checks
 * {@code exp}, {@code nbf} and {@code iat} with a clock-skew leeway, and {@code iss} and {@code aud}
 * when configured. Its refusals name what is wrong in the project's own words, never the JWT
 * library's.
 */
public final class JwtTokenVerifier implements TokenVerifier {
    private final JWTVerifier verifier;

    public JwtTokenVerifier(String secret) {
        this(secret, Duration.ZERO, null, null);
    }

    /**
     * @param leeway   clock skew tolerated on {@code exp}, {@code nbf} and {@code iat}
     * @param issuer   the {@code iss} every token must carry; null: not checked
     * @param audience an {@code aud} every token must include; null: not checked
     */
    public JwtTokenVerifier(String secret, Duration leeway, String issuer, String audience) {
        if (secret == null || secret.isEmpty()) {
            throw new IllegalArgumentException("secret must not be empty");
        }
        Verification v = JWT.require(Algorithm.HMAC256(secret)).acceptLeeway(leeway.toSeconds());
        if (issuer != null) {
            v.withIssuer(issuer);
        }
        if (audience != null) {
            v.withAnyOfAudience(audience);
        }
        this.verifier = v.build();
    }

    @Override
    public Principal verify(String token) {
        DecodedJWT jwt;
        try {
            jwt = verifier.verify(token);
        } catch (TokenExpiredException e) {
            throw new ProtocolException(ErrorCode.UNAUTHORIZED, "token expired");
        } catch (JWTVerificationException e) {
            throw new ProtocolException(ErrorCode.UNAUTHORIZED, "invalid token: " + reason(e));
        }
        String subject = jwt.getSubject();
        if (subject == null || subject.isEmpty() || subject.length() > Names.MAX_ID_LENGTH) {
            throw new ProtocolException(ErrorCode.UNAUTHORIZED, "token has no valid 'sub' claim");
        }
        Date expires = jwt.getExpiresAt();
        return new Principal(subject, expires == null ? 0 : expires.getTime());
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
            return "algorithm not accepted (HS256 only)";
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

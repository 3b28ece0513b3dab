package io.wscluster.security;

import com.auth0.jwt.JWT;
import com.auth0.jwt.JWTVerifier;
import com.auth0.jwt.algorithms.Algorithm;
import com.auth0.jwt.exceptions.JWTVerificationException;
import com.auth0.jwt.exceptions.TokenExpiredException;
import com.auth0.jwt.interfaces.DecodedJWT;
import io.wscluster.protocol.ErrorCode;
import io.wscluster.protocol.Names;
import io.wscluster.protocol.ProtocolException;
import java.util.Date;

/** Verifies HS256 JWTs signed with a shared secret; the {@code sub} claim is the user id. */
public final class JwtTokenVerifier implements TokenVerifier {
    private final JWTVerifier verifier;

    public JwtTokenVerifier(String secret) {
        if (secret == null || secret.isEmpty()) {
            throw new IllegalArgumentException("secret must not be empty");
        }
        this.verifier = JWT.require(Algorithm.HMAC256(secret)).build();
    }

    @Override
    public Principal verify(String token) {
        DecodedJWT jwt;
        try {
            jwt = verifier.verify(token);
        } catch (TokenExpiredException e) {
            throw new ProtocolException(ErrorCode.UNAUTHORIZED, "token expired");
        } catch (JWTVerificationException e) {
            throw new ProtocolException(ErrorCode.UNAUTHORIZED, "invalid token: " + e.getMessage());
        }
        String subject = jwt.getSubject();
        if (subject == null || subject.isEmpty() || subject.length() > Names.MAX_ID_LENGTH) {
            throw new ProtocolException(ErrorCode.UNAUTHORIZED, "token has no valid 'sub' claim");
        }
        Date expires = jwt.getExpiresAt();
        return new Principal(subject, expires == null ? 0 : expires.getTime());
    }
}

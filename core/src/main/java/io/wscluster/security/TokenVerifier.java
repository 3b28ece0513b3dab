package io.wscluster.security;

import io.wscluster.protocol.ProtocolException;

/** Verifies a bearer token and says whose it is. Thread-safe, never blocks on I/O. */
public interface TokenVerifier {

    /**
     * Returns the principal of a valid token, or throws a {@link ProtocolException} with {@code
     * unauthorized} that says why the token is refused (bad signature, expired, no subject).
     */
    Principal verify(String token);

    /** A verifier for a deployment without token support: every token is refused. */
    TokenVerifier NONE = token -> {
        throw new ProtocolException(io.wscluster.protocol.ErrorCode.UNAUTHORIZED, "tokens are not accepted: no JWT secret is configured");
    };
}

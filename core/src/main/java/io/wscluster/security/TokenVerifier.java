package io.wscluster.security;

import io.wscluster.protocol.ErrorCode;
import io.wscluster.protocol.ProtocolException;

/** Verifies bearer tokens and says whose they are. Thread-safe, never blocks on I/O. */
public interface TokenVerifier {

    /**
     * Returns the principal of a valid connection token, or throws a {@link ProtocolException} with
     * {@code unauthorized} that says why the token is refused (bad signature, expired, no subject).
     */
    Principal verify(String token);

    /** Returns what a valid subscription token grants, or throws as {@link #verify} does. */
    SubscriptionGrant verifySubscription(String token);

    /** A verifier for a deployment without token support: every token is refused. */
    TokenVerifier NONE = new TokenVerifier() {
        @Override
        public Principal verify(String token) {
            throw refusal();
        }

        @Override
        public SubscriptionGrant verifySubscription(String token) {
            throw refusal();
        }

        private ProtocolException refusal() {
            return new ProtocolException(ErrorCode.UNAUTHORIZED, "tokens are not accepted: no JWT key is configured");
        }
    };
}

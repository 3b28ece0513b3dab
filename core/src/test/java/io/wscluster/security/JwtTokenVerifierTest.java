package io.wscluster.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.auth0.jwt.JWT;
import com.auth0.jwt.JWTCreator;
import com.auth0.jwt.algorithms.Algorithm;
import io.wscluster.protocol.ErrorCode;
import io.wscluster.protocol.ProtocolException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class JwtTokenVerifierTest {
    private static final String SECRET = "test-secret-of-reasonable-length";
    private static final Algorithm HS256 = Algorithm.HMAC256(SECRET);
    private final JwtTokenVerifier sut = new JwtTokenVerifier(SECRET);

    /** Far from "now" in both directions, so clock movement during the test cannot matter. */
    private static final Instant IN_AN_HOUR = Instant.now().plus(1, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS);
    private static final Instant AN_HOUR_AGO = Instant.now().minus(1, ChronoUnit.HOURS);

    private static JWTCreator.Builder token() {
        return JWT.create().withSubject("alice").withExpiresAt(IN_AN_HOUR);
    }

    private ProtocolException refused(String token) {
        return refused(sut, token);
    }

    private static ProtocolException refused(JwtTokenVerifier verifier, String token) {
        ProtocolException e = catchThrowableOfType(ProtocolException.class, () -> verifier.verify(token));
        assertThat(e).as("token %s must be refused", token).isNotNull();
        assertThat(e.code()).isEqualTo(ErrorCode.UNAUTHORIZED);
        assertThat(e.requestId()).isZero();
        return e;
    }

    @Test
    void aValidTokenGivesItsSubjectAndExpiry() {
        Principal p = sut.verify(token().sign(HS256));
        assertThat(p.userId()).isEqualTo("alice");
        assertThat(p.expiresAtMillis()).isEqualTo(IN_AN_HOUR.toEpochMilli());
        assertThat(p.anonymous()).isFalse();
    }

    @Test
    void aTokenWithoutExpiryNeverExpires() {
        Principal p = sut.verify(JWT.create().withSubject("bob").sign(HS256));
        assertThat(p).isEqualTo(new Principal("bob", 0));
    }

    @Test
    void otherClaimsDoNotMatter() {
        Principal p = sut.verify(token().withIssuer("someone").withClaim("role", "admin").withIssuedAt(AN_HOUR_AGO).sign(HS256));
        assertThat(p.userId()).isEqualTo("alice");
    }

    @Test
    void aBadSignatureIsRefused() {
        assertThat(refused(token().sign(Algorithm.HMAC256("another-secret"))).getMessage())
                .startsWith("invalid token").containsIgnoringCase("signature");
    }

    @Test
    void aTamperedPayloadIsRefused() {
        String[] parts = token().sign(HS256).split("\\.");
        String other = JWT.create().withSubject("mallory").withExpiresAt(IN_AN_HOUR).sign(HS256).split("\\.")[1];
        assertThat(refused(parts[0] + "." + other + "." + parts[2]).getMessage()).containsIgnoringCase("signature");
    }

    @Test
    void anExpiredTokenIsRefused() {
        assertThat(refused(token().withExpiresAt(AN_HOUR_AGO).sign(HS256)).getMessage()).isEqualTo("token expired");
    }

    @Test
    void aTokenNotYetValidIsRefused() {
        assertThat(refused(token().withNotBefore(IN_AN_HOUR).sign(HS256)).getMessage()).startsWith("invalid token");
    }

    @Test
    void noneAndAlgorithmsWithoutAKeyAreRefused() throws Exception {
        assertThat(refused(token().sign(Algorithm.none())).getMessage())
                .isEqualTo("invalid token: algorithm 'none' not accepted (accepted: HS256, HS384, HS512)");
        java.security.KeyPair rsa = TestKeys.rsa();
        assertThat(refused(token().sign(Algorithm.RSA256(null, (java.security.interfaces.RSAPrivateKey) rsa.getPrivate())))
                .getMessage()).contains("algorithm 'RS256' not accepted");
    }

    @Test
    void hs384AndHs512WithTheSecretAreAccepted() {
        assertThat(sut.verify(token().sign(Algorithm.HMAC384(SECRET))).userId()).isEqualTo("alice");
        assertThat(sut.verify(token().sign(Algorithm.HMAC512(SECRET))).userId()).isEqualTo("alice");
        assertThat(refused(token().sign(Algorithm.HMAC512("other"))).getMessage()).contains("signature");
    }

    @Test
    void rs256AndEs256VerifyWithConfiguredPublicKeys() throws Exception {
        java.security.KeyPair rsa = TestKeys.rsa();
        java.security.KeyPair ec = TestKeys.ec();
        JwtTokenVerifier keys = new JwtTokenVerifier(JwtOptions.NONE.withPublicKeys(List.of(rsa.getPublic(), ec.getPublic())), null);
        assertThat(keys.verify(token().sign(TestKeys.rs256(rsa))).userId()).isEqualTo("alice");
        assertThat(keys.verify(token().sign(TestKeys.es256(ec))).userId()).isEqualTo("alice");
        java.security.KeyPair stranger = TestKeys.rsa();
        assertThatThrownBy(() -> keys.verify(token().sign(TestKeys.rs256(stranger)))).hasMessageContaining("signature");
        assertThatThrownBy(() -> keys.verify(token().sign(HS256))).hasMessageContaining("'HS256' not accepted");
    }

    @Test
    void roomClaimsBecomeGrants() {
        Principal p = sut.verify(token().withClaim("rooms", List.of("chat:*", "news")).withClaim("publish_rooms", List.of("chat:mine"))
                .sign(HS256));
        assertThat(p.reads().matches("chat:general")).isTrue();
        assertThat(p.reads().matches("news")).isTrue();
        assertThat(p.reads().matches("sports")).isFalse();
        assertThat(p.publishes().matches("chat:mine")).isTrue();
        assertThat(p.publishes().matches("chat:general")).isFalse();
        assertThat(refused(token().withClaim("rooms", "chat:*").sign(HS256)).getMessage())
                .isEqualTo("invalid token: claim 'rooms' must be a list of room names or patterns");
    }

    @Test
    void subscriptionTokensGrantOneRoomAndOpenNoConnection() {
        String sub = token().withClaim("room", "chat:secret").sign(HS256);
        SubscriptionGrant grant = sut.verifySubscription(sub);
        assertThat(grant).isEqualTo(new SubscriptionGrant("alice", "chat:secret", IN_AN_HOUR.toEpochMilli()));
        assertThat(grant.isFor(new Principal("alice", 0))).isTrue();
        assertThat(grant.isFor(Principal.ANONYMOUS)).isFalse();
        assertThat(refused(sub).getMessage()).isEqualTo("invalid token: a subscription token cannot open a connection");
        assertThatThrownBy(() -> sut.verifySubscription(token().sign(HS256))).hasMessageContaining("needs a 'room' claim");
        SubscriptionGrant anonymous = sut.verifySubscription(JWT.create().withClaim("room", "r").withExpiresAt(IN_AN_HOUR).sign(HS256));
        assertThat(anonymous.isFor(Principal.ANONYMOUS)).isTrue();
        assertThatThrownBy(() -> sut.verifySubscription(token().withClaim("room", "r").withExpiresAt(AN_HOUR_AGO).sign(HS256)))
                .hasMessage("token expired");
    }

    @Test
    void aMaximumLifetimeRefusesLongAndEndlessTokens() {
        JwtTokenVerifier bounded = new JwtTokenVerifier(JwtOptions.NONE.withSecret(SECRET).withMaxLifetime(java.time.Duration.ofMinutes(10)),
                null);
        assertThat(bounded.verify(token().withExpiresAt(Instant.now().plusSeconds(300)).sign(HS256)).userId()).isEqualTo("alice");
        assertThat(refused(bounded, token().sign(HS256)).getMessage()).isEqualTo("invalid token: lives longer than the PT10M allowed");
        assertThat(refused(bounded, JWT.create().withSubject("a").sign(HS256)).getMessage()).startsWith("invalid token: no 'exp'");
    }

    @Test
    void aMissingSubjectIsRefused() {
        assertThat(refused(JWT.create().withExpiresAt(IN_AN_HOUR).sign(HS256)).getMessage()).isEqualTo("token has no valid 'sub' claim");
    }

    @Test
    void anEmptyOrOverlongSubjectIsRefused() {
        assertThat(refused(token().withSubject("").sign(HS256)).getMessage()).contains("'sub'");
        assertThat(refused(token().withSubject("u".repeat(201)).sign(HS256)).getMessage()).contains("'sub'");
        assertThat(sut.verify(token().withSubject("u".repeat(200)).sign(HS256)).userId()).hasSize(200);
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {"garbage", "a.b.c", "a.b", "Bearer x.y.z", "eyJhbGciOiJIUzI1NiJ9.bm90IGpzb24.c2ln", "....."})
    void garbageIsRefused(String token) {
        assertThat(refused(token).getMessage()).startsWith("invalid token");
    }

    @Test
    void aLeewayToleratesClockSkewOnExpAndNbf() {
        JwtTokenVerifier lenient = new JwtTokenVerifier(SECRET, java.time.Duration.ofSeconds(30), null, null);
        java.util.Date justExpired = new java.util.Date(System.currentTimeMillis() - 10_000);
        java.util.Date soonValid = new java.util.Date(System.currentTimeMillis() + 10_000);
        assertThat(lenient.verify(token().withExpiresAt(justExpired).sign(HS256)).userId()).isEqualTo("alice");
        assertThat(lenient.verify(token().withNotBefore(soonValid).sign(HS256)).userId()).isEqualTo("alice");
        assertThat(refused(token().withExpiresAt(justExpired).sign(HS256)).getMessage()).isEqualTo("token expired");
        assertThat(refused(token().withNotBefore(soonValid).sign(HS256)).getMessage()).isEqualTo("invalid token: not valid yet ('nbf')");
    }

    @Test
    void aTokenIssuedInTheFutureBeyondTheLeewayIsRefused() {
        assertThat(refused(token().withIssuedAt(IN_AN_HOUR).sign(HS256)).getMessage()).isEqualTo("invalid token: issued in the future ('iat')");
        JwtTokenVerifier lenient = new JwtTokenVerifier(SECRET, java.time.Duration.ofSeconds(30), null, null);
        java.util.Date soon = new java.util.Date(System.currentTimeMillis() + 10_000);
        assertThat(lenient.verify(token().withIssuedAt(soon).sign(HS256)).userId()).as("a clock 10 s ahead, within 30 s").isEqualTo("alice");
        assertThat(refused(token().withIssuedAt(soon).sign(HS256)).getMessage()).as("without leeway").contains("'iat'");
        assertThat(refused(lenient, token().withIssuedAt(IN_AN_HOUR).sign(HS256)).getMessage()).contains("'iat'");
        assertThatThrownBy(() -> lenient.verifySubscription(token().withIssuedAt(IN_AN_HOUR).withClaim("room", "r").sign(HS256)))
                .as("a subscription token alike").hasMessage("invalid token: issued in the future ('iat')");
    }

    @Test
    void issuerAndAudienceAreCheckedWhenConfigured() {
        JwtTokenVerifier strict = new JwtTokenVerifier(SECRET, java.time.Duration.ZERO, "https://auth.example", "chat");
        assertThat(strict.verify(token().withIssuer("https://auth.example").withAudience("chat", "other").sign(HS256)).userId())
                .isEqualTo("alice");
        assertThatThrownBy(() -> strict.verify(token().withIssuer("https://evil.example").withAudience("chat").sign(HS256)))
                .hasMessage("invalid token: claim 'iss' not accepted");
        assertThatThrownBy(() -> strict.verify(token().withIssuer("https://auth.example").withAudience("billing").sign(HS256)))
                .hasMessage("invalid token: claim 'aud' not accepted");
        assertThatThrownBy(() -> strict.verify(token().withAudience("chat").sign(HS256)))
                .hasMessage("invalid token: missing claim 'iss'");
    }

    @Test
    void refusalsAreInOurWordsNotTheLibrarys() {
        for (String bad : new String[] {"garbage", token().sign(Algorithm.HMAC256("x")), token().sign(Algorithm.none()),
                token().withNotBefore(IN_AN_HOUR).sign(HS256)}) {
            assertThat(refused(bad).getMessage()).doesNotContain("com.auth0", "Exception", "The Token", "{");
        }
    }

    @Test
    void aSecretIsRequired() {
        assertThatThrownBy(() -> new JwtTokenVerifier("")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("secret");
        assertThatThrownBy(() -> new JwtTokenVerifier(null)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("secret");
    }

    @Test
    void withoutASecretEveryTokenIsRefused() {
        ProtocolException e = catchThrowableOfType(ProtocolException.class, () -> TokenVerifier.NONE.verify(token().sign(HS256)));
        assertThat(e.code()).isEqualTo(ErrorCode.UNAUTHORIZED);
        assertThat(e.getMessage()).contains("no JWT key");
    }
}

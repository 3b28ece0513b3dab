package io.wscluster.transport;

import static io.wscluster.transport.Wire.error;
import static io.wscluster.transport.Wire.expect;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import com.auth0.jwt.JWT;
import com.auth0.jwt.algorithms.Algorithm;
import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.sun.net.httpserver.HttpServer;
import io.wscluster.NodeFixture;
import io.wscluster.testkit.TestClient;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Tokens on a live node: refresh in place, and RS256/ES256 tokens through a JWKS the test serves, with a rotation. */
class TokensIT {
    private static final String SECRET = "tokens-it-secret";
    private static final Algorithm HS256 = Algorithm.HMAC256(SECRET);

    @RegisterExtension
    final NodeFixture nodes = new NodeFixture();
    private HttpServer jwksServer;

    @AfterEach
    void stopJwks() {
        if (jwksServer != null) {
            jwksServer.stop(0);
        }
    }

    private static String token(String user, Instant expires) {
        return JWT.create().withSubject(user).withExpiresAt(expires).sign(HS256);
    }

    @Test
    void aConnectionRefreshesItsTokenInPlaceAndOutlivesTheFirstOne() throws Exception {
        nodes.start(o -> o.security(s -> s.jwtSecret(SECRET)));
        TestClient alice = nodes.connect(nodes.options().withBearer(token("alice", Instant.now().plusSeconds(2))));
        expect(alice.next(), "welcome");
        Instant later = Instant.now().plusSeconds(600);
        JsonNode refreshed = expect(alice.request(alice.frame("refresh").put("token", token("alice", later))), "refreshed");
        assertThat(refreshed.path("expires_at").asLong()).isEqualTo(later.getEpochSecond() * 1000);

        assertThat(error(alice, alice.frame("refresh").put("token", token("mallory", later)), "forbidden").path("message").asText())
                .contains("same user");
        assertThat(error(alice, alice.frame("refresh").put("token", "garbage"), "unauthorized").path("message").asText())
                .startsWith("invalid token");
        Thread.sleep(3500); // past the first token's expiry and a sweep of the node
        assertThat(alice.isOpen()).isTrue();
        expect(alice.request(alice.frame("ping")), "pong");
    }

    @Test
    void withoutARefreshTheConnectionClosesWhenItsTokenExpires() throws Exception {
        nodes.start(o -> o.security(s -> s.jwtSecret(SECRET)));
        TestClient bob = nodes.connect(nodes.options().withBearer(token("bob", Instant.now().plusSeconds(1))));
        expect(bob.next(), "welcome");
        TestClient.CloseStatus closed = bob.awaitClose(Duration.ofSeconds(5));
        assertThat(closed.code()).isEqualTo(1008);
        assertThat(closed.reason()).isEqualTo("token expired");
    }

    @Test
    void everyClaimRuleRefusesItsTokenWith401AndSaysWhich() throws Exception {
        nodes.start(o -> o.security(s -> s.jwtSecret(SECRET).jwtIssuer("https://auth.example").jwtAudience("chat")
                .jwtMaxLifetime(Duration.ofMinutes(10))));
        Instant soon = Instant.now().plusSeconds(300);
        com.auth0.jwt.JWTCreator.Builder good = JWT.create().withSubject("alice").withIssuer("https://auth.example").withAudience("chat")
                .withExpiresAt(soon);
        assertThat(welcomeUser(good.sign(HS256))).isEqualTo("alice");
        String[] parts = good.sign(HS256).split("\\.");
        String otherPayload = JWT.create().withSubject("mallory").withIssuer("https://auth.example").withAudience("chat")
                .withExpiresAt(soon).sign(HS256).split("\\.")[1];
        assertRefused(parts[0] + "." + otherPayload + "." + parts[2], "signature does not verify");
        assertRefused(JWT.create().withSubject("alice").withIssuer("https://evil.example").withAudience("chat").withExpiresAt(soon)
                .sign(HS256), "claim 'iss' not accepted");
        assertRefused(JWT.create().withSubject("alice").withIssuer("https://auth.example").withAudience("billing").withExpiresAt(soon)
                .sign(HS256), "claim 'aud' not accepted");
        assertRefused(JWT.create().withSubject("alice").withIssuer("https://auth.example").withAudience("chat")
                .withExpiresAt(Instant.now().minusSeconds(5)).sign(HS256), "token expired");
        assertRefused(JWT.create().withSubject("alice").withIssuer("https://auth.example").withAudience("chat").withExpiresAt(soon)
                .withNotBefore(Instant.now().plusSeconds(120)).sign(HS256), "not valid yet");
        assertRefused(JWT.create().withSubject("alice").withIssuer("https://auth.example").withAudience("chat")
                .withExpiresAt(Instant.now().plusSeconds(3600)).sign(HS256), "lives longer than");
        assertRefused(JWT.create().withSubject("alice").withIssuer("https://auth.example").withAudience("chat").withExpiresAt(soon)
                .sign(Algorithm.HMAC256("a-guess")), "signature does not verify");
    }

    @Test
    void rs256AndEs256TokensVerifyThroughAJwksAndARotatedKeyIsTakenUp() throws Exception {
        KeyPair rsa = rsa();
        KeyPair ec = ec();
        AtomicReference<List<JWK>> published = new AtomicReference<>(List.of(
                new RSAKey.Builder((RSAPublicKey) rsa.getPublic()).keyID("r1").build(),
                new ECKey.Builder(Curve.P_256, (ECPublicKey) ec.getPublic()).keyID("e1").build()));
        URI jwks = serveJwks(published);
        nodes.start(o -> o.security(s -> s.jwtJwksUrl(jwks)));

        assertThat(welcomeUser(signed("r1", Algorithm.RSA256(null, (RSAPrivateKey) rsa.getPrivate())))).isEqualTo("alice");
        assertThat(welcomeUser(signed("e1", Algorithm.ECDSA256(null, (ECPrivateKey) ec.getPrivate())))).isEqualTo("alice");
        assertRefused(JWT.create().withSubject("alice").sign(Algorithm.none()), "algorithm 'none' not accepted");
        assertRefused(JWT.create().withKeyId("r1").withSubject("alice").sign(HS256), "algorithm 'HS256' not accepted");
        assertRefused(signed("r1", Algorithm.RSA256(null, (RSAPrivateKey) rsa().getPrivate())), "signature");

        KeyPair next = rsa();
        published.set(List.of(new RSAKey.Builder((RSAPublicKey) next.getPublic()).keyID("r2").build()));
        String rotated = signed("r2", Algorithm.RSA256(null, (RSAPrivateKey) next.getPrivate()));
        // The first sight of r2 asks for the JWKS again (at most every 10 s); a retry then gets in.
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(500)).ignoreExceptions()
                .untilAsserted(() -> assertThat(welcomeUser(rotated)).isEqualTo("alice"));
        assertRefused(signed("r1", Algorithm.RSA256(null, (RSAPrivateKey) rsa.getPrivate())), "signing key 'r1' is not known");
    }

    private String welcomeUser(String token) throws Exception {
        TestClient c = nodes.connect(nodes.options().withBearer(token));
        return expect(c.next(), "welcome").path("user").asText();
    }

    private void assertRefused(String token, String why) {
        TestClient.Refused refused = catchThrowableOfType(TestClient.Refused.class, () -> nodes.connect(nodes.options().withBearer(token)));
        assertThat(refused).as("token must be refused").isNotNull();
        assertThat(refused.status()).isEqualTo(401);
        assertThat(refused.body()).contains(why);
    }

    private static String signed(String kid, Algorithm algorithm) {
        return JWT.create().withKeyId(kid).withSubject("alice").withExpiresAt(Instant.now().plusSeconds(600)).sign(algorithm);
    }

    private URI serveJwks(AtomicReference<List<JWK>> keys) throws Exception {
        jwksServer = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        jwksServer.createContext("/jwks.json", exchange -> {
            byte[] body = new JWKSet(keys.get()).toString().getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        jwksServer.start();
        return URI.create("http://127.0.0.1:" + jwksServer.getAddress().getPort() + "/jwks.json");
    }

    private static KeyPair rsa() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        return g.generateKeyPair();
    }

    private static KeyPair ec() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        return g.generateKeyPair();
    }
}

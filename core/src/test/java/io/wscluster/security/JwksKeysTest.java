package io.wscluster.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.auth0.jwt.JWT;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import java.net.URI;
import java.security.KeyPair;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Keys of a JWKS document: lookup by kid, rotation, a bounded refresh rate, and broken documents. */
class JwksKeysTest {
    private final URI url = URI.create("https://idp.example/jwks.json");
    private final AtomicReference<String> document = new AtomicReference<>("{\"keys\":[]}");
    private final AtomicInteger fetches = new AtomicInteger();
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();

    /** What the node's HTTP client would answer. */
    private CompletionStage<String> fetch(URI asked) {
        assertThat(asked).isEqualTo(url);
        fetches.incrementAndGet();
        return CompletableFuture.supplyAsync(document::get);
    }

    @AfterEach
    void stop() {
        scheduler.shutdownNow();
    }

    private static String jwks(String kid, KeyPair rsa, String ecKid, KeyPair ec) {
        return new JWKSet(java.util.List.of(new RSAKey.Builder((RSAPublicKey) rsa.getPublic()).keyID(kid).build(),
                new ECKey.Builder(Curve.P_256, (ECPublicKey) ec.getPublic()).keyID(ecKid).build())).toString();
    }

    @Test
    void tokensSignedWithPublishedKeysVerifyAndARotationIsPickedUp() throws Exception {
        KeyPair first = TestKeys.rsa();
        KeyPair ec = TestKeys.ec();
        document.set(jwks("k1", first, "e1", ec));
        JwksKeys keys = new JwksKeys(url, this::fetch, Duration.ofMillis(200)).start(scheduler, Duration.ofHours(1));
        JwtTokenVerifier verifier = new JwtTokenVerifier(JwtOptions.NONE.withJwksUrl(url), keys);
        assertThat(verifier.verify(token("k1", TestKeys.rs256(first)))).extracting(Principal::userId).isEqualTo("alice");
        assertThat(verifier.verify(token("e1", TestKeys.es256(ec)))).extracting(Principal::userId).isEqualTo("alice");

        KeyPair second = TestKeys.rsa();
        document.set(jwks("k2", second, "e1", ec));
        String rotated = token("k2", TestKeys.rs256(second));
        // The first sight of k2 asks for a refresh; a later attempt finds it.
        await().atMost(Duration.ofSeconds(5)).ignoreExceptions().untilAsserted(() -> assertThat(verifier.verify(rotated).userId()).isEqualTo("alice"));
        assertThatThrownBy(() -> verifier.verify(token("k1", TestKeys.rs256(first)))).hasMessageContaining("signing key 'k1' is not known");
        assertThatThrownBy(() -> verifier.verify(token("k2", TestKeys.rs256(first)))).hasMessageContaining("signature");
    }

    @Test
    void unknownKeyIdsCannotMakeItFetchMoreThanOncePerGap() throws Exception {
        JwksKeys keys = new JwksKeys(url, this::fetch, Duration.ofHours(1)).start(scheduler, Duration.ofHours(1));
        JwtTokenVerifier verifier = new JwtTokenVerifier(JwtOptions.NONE.withJwksUrl(url), keys);
        KeyPair attacker = TestKeys.rsa();
        for (int i = 0; i < 50; i++) {
            String kid = "nope-" + i;
            assertThatThrownBy(() -> verifier.verify(token(kid, TestKeys.rs256(attacker)))).hasMessageContaining("not known");
        }
        Thread.sleep(300);
        assertThat(fetches.get()).as("the start's fetch only").isEqualTo(1);
    }

    @Test
    void anUnreachableOrBrokenDocumentKeepsTheKeysItHas() throws Exception {
        KeyPair rsa = TestKeys.rsa();
        document.set(jwks("k1", rsa, "e1", TestKeys.ec()));
        JwksKeys keys = new JwksKeys(url, this::fetch, Duration.ZERO).start(scheduler, Duration.ofHours(1));
        document.set("not json");
        keys.fetch().exceptionally(e -> null).toCompletableFuture().get();
        assertThat(keys.size()).isEqualTo(2);
        assertThat(JwksKeys.parse("{\"keys\":[{\"kty\":\"oct\",\"k\":\"c2VjcmV0\",\"kid\":\"h\"}]}")).isEmpty();
    }

    private static String token(String kid, com.auth0.jwt.algorithms.Algorithm algorithm) {
        return JWT.create().withKeyId(kid).withSubject("alice").withExpiresAt(Instant.now().plusSeconds(600)).sign(algorithm);
    }
}

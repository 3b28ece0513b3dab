package io.wscluster.transport;

import static io.wscluster.transport.Wire.expect;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.auth0.jwt.JWT;
import com.auth0.jwt.algorithms.Algorithm;
import com.fasterxml.jackson.databind.JsonNode;
import io.wscluster.NodeFixture;
import io.wscluster.WsCluster;
import io.wscluster.codec.Encoding;
import io.wscluster.security.ClientReach;
import io.wscluster.testkit.RawHttp;
import io.wscluster.testkit.TestClient;
import io.wscluster.testkit.Tokens;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Who a connection is: JWT in the header or the query, refusals with HTTP 401, and delivery to a user. */
class IdentityIT {
    private static final String SECRET = "s3cret";

    @RegisterExtension
    final NodeFixture nodes = new NodeFixture();

    @Test
    void tokenInTheAuthorizationHeaderNamesTheUser() throws Exception {
        nodes.start(o -> o.security(s -> s.jwtSecret(SECRET)));
        TestClient c = nodes.connect(nodes.options().withBearer(Tokens.hs256(SECRET, "alice")));
        assertThat(expect(c.next(), "welcome").path("user").asText()).isEqualTo("alice");
    }

    @Test
    void tokenInTheQueryNamesTheUser() throws Exception {
        nodes.start(o -> o.security(s -> s.jwtSecret(SECRET)));
        TestClient c = nodes.connect(nodes.options().withUrl(nodes.node().url() + "?token=" + Tokens.hs256(SECRET, "bob")));
        assertThat(expect(c.next(), "welcome").path("user").asText()).isEqualTo("bob");
    }

    @Test
    void tokenWithAWrongSignatureIsRefusedWith401() throws Exception {
        nodes.start(o -> o.security(s -> s.jwtSecret(SECRET)));
        assertRefused(nodes.options().withBearer(Tokens.hs256("not-the-secret", "mallory")));
        assertRefused(nodes.options().withUrl(nodes.node().url() + "?token=" + Tokens.hs256("not-the-secret", "mallory")));
        assertRefused(nodes.options().withBearer("not.a.jwt"));
    }

    @Test
    void expiredTokenIsRefusedWith401() throws Exception {
        nodes.start(o -> o.security(s -> s.jwtSecret(SECRET)));
        JsonNode error = assertRefused(nodes.options().withBearer(Tokens.expired(SECRET, "alice")));
        assertThat(error.path("message").asText()).containsIgnoringCase("expired");
    }

    @Test
    void withoutAnonymousUsersAConnectionWithoutTokenIsRefusedWith401() throws Exception {
        nodes.start(o -> o.security(s -> s.jwtSecret(SECRET).allowAnonymous(false)));
        assertRefused(nodes.options());
        // ...while one with a token is welcome.
        assertThat(expect(nodes.connect(nodes.optionsAs("alice")).next(), "welcome").path("user").asText())
                .isEqualTo("alice");
    }

    @Test
    void anonymousIsTheDefaultOnlyWithoutASecret() throws Exception {
        nodes.start();
        JsonNode welcome = expect(nodes.connect(nodes.options()).next(), "welcome");
        assertThat(welcome.path("user").isNull()).as("user in %s", welcome).isTrue();
    }

    @Test
    void aSecretTurnsAnonymousAccessOffUnlessItIsAllowedExplicitly() throws Exception {
        WsCluster node = nodes.start(o -> o.security(s -> s.jwtSecret(SECRET)));
        TestClient.Refused refused = catchThrowableOfType(TestClient.Refused.class, () -> TestClient.connect(node.url()));
        assertThat(refused.status()).isEqualTo(401);
        node.stop();
        nodes.start(o -> o.security(s -> s.jwtSecret(SECRET).allowAnonymous(true)));
        expect(nodes.connect(nodes.options()).next(), "welcome");
    }

    @Test
    void aMalformedCredentialIsRefusedNeverTakenForAnonymous() throws Exception {
        WsCluster node = nodes.start(o -> o.security(s -> s.jwtSecret(SECRET).allowAnonymous(true)));
        for (String header : List.of("Basic YWxpY2U6eA==", "Bearer ", "Bearer", "token abc")) {
            RawHttp.Answer answer = RawHttp.send(node.httpUrl(), "GET", "/ws", "Upgrade: websocket", "Connection: Upgrade",
                    "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==", "Sec-WebSocket-Version: 13", "Authorization: " + header);
            assertThat(answer.status()).as("Authorization: %s", header).isEqualTo(401);
        }
        RawHttp.Answer emptyToken = RawHttp.send(node.httpUrl(), "GET", "/ws?token=", "Upgrade: websocket", "Connection: Upgrade",
                "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==", "Sec-WebSocket-Version: 13");
        assertThat(emptyToken.status()).isEqualTo(401);
    }

    @Test
    void aSessionIdResumesOnlyForTheUserItWasIssuedTo() throws Exception {
        WsCluster node = nodes.start(o -> o.security(s -> s.jwtSecret(SECRET).allowAnonymous(true)));
        TestClient alice = nodes.connect(nodes.optionsAs("alice"));
        String session = alice.next("welcome").path("session").asText();
        alice.request(alice.frame("subscribe").put("room", "alice-only"));
        alice.close();
        for (TestClient intruder : List.of(nodes.connect(nodes.optionsAs("bob").withUrl(node.url() + "?session=" + session)),
                nodes.connect(nodes.options().withUrl(node.url() + "?session=" + session)))) {
            // The id was issued to alice: anyone else gets a session of their own, and nothing of hers.
            JsonNode welcome = intruder.next("welcome");
            assertThat(welcome.path("session").asText()).isNotEqualTo(session);
            assertThat(welcome.path("resumed").asBoolean()).isFalse();
            assertThat(welcome.path("session_refused").asText()).isNotEmpty();
            intruder.request(intruder.frame("history").put("room", "nowhere"));
            assertThatThrownBy(() -> intruder.next(Duration.ofMillis(300))).as("no frame but the reply: no room of hers")
                    .isInstanceOf(AssertionError.class);
            intruder.close();
        }
        TestClient back = nodes.connect(nodes.optionsAs("alice").withUrl(node.url() + "?session=" + session));
        assertThat(back.next("welcome").path("resumed").asBoolean()).isTrue();
        assertThat(back.next("subscribed").path("room").asText()).isEqualTo("alice-only");
    }

    @Test
    void clientSendAndBroadcastAreOffUnlessTheConfigurationAllowsThem() throws Exception {
        nodes.start(o -> o.security(s -> s.jwtSecret(SECRET).allowAnonymous(true).clientSend(ClientReach.AUTHENTICATED)));
        TestClient anonymous = nodes.open();
        TestClient alice = nodes.openAs("alice");
        expect(anonymous.request(anonymous.frame("send").put("user", "alice").put("data", "x")), "error");
        assertThat(alice.request(alice.frame("send").put("user", "bob").put("data", "x")).path("op").asText()).isEqualTo("ack");
        for (TestClient c : List.of(anonymous, alice)) {
            JsonNode refused = c.request(c.frame("broadcast").put("data", "to all"));
            assertThat(refused.path("op").asText()).isEqualTo("error");
            assertThat(refused.path("code").asText()).isEqualTo("forbidden");
        }
    }

    @Test
    void anEmptySecretIsRefused() {
        assertThatThrownBy(() -> nodes.start(o -> o.security(s -> s.jwtSecret(""))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("jwt-secret: '' is not valid");
    }

    @Test
    void sendReachesOnlyThatUserWhateverTheEncoding() throws Exception {
        nodes.start(o -> o.security(s -> s.jwtSecret(SECRET).allowAnonymous(true).clientSend(ClientReach.ANYONE).clientBroadcast(ClientReach.ANYONE)));
        TestClient aliceJson = nodes.openAs("alice");
        TestClient aliceMsgpack = nodes.open(nodes.optionsAs("alice").withEncoding(Encoding.MSGPACK));
        TestClient bob = nodes.openAs("bob");
        TestClient anonymous = nodes.open();

        expect(anonymous.request(anonymous.frame("send").put("user", "alice").put("data", "for alice")), "ack");
        for (TestClient alice : List.of(aliceJson, aliceMsgpack)) {
            JsonNode m = alice.next("message");
            assertThat(m.path("user").asText()).isEqualTo("alice");
            assertThat(m.path("data").asText()).isEqualTo("for alice");
        }
        // A user nobody is connected as: accepted, delivered to no one.
        expect(anonymous.request(anonymous.frame("send").put("user", "nobody").put("data", "lost")), "ack");
        for (TestClient other : List.of(bob, anonymous, aliceJson)) {
            Wire.assertSilent(other);
        }
    }

    @Test
    void aConnectionIsClosedWith1008WhenItsTokenExpires() throws Exception {
        nodes.start(o -> o.security(s -> s.jwtSecret(SECRET)));
        // JWT expiry has whole seconds: this one lasts one to two seconds from now.
        String shortLived = JWT.create().withSubject("alice").withExpiresAt(Instant.now().plusSeconds(2))
                .sign(Algorithm.HMAC256(SECRET));
        TestClient expiring = nodes.open(nodes.options().withBearer(shortLived));
        TestClient lasting = nodes.openAs("bob");

        assertThat(expiring.awaitClose(Duration.ofSeconds(8)).code()).isEqualTo(1008);
        assertThat(lasting.isOpen()).isTrue();
        expect(lasting.request(lasting.frame("ping")), "pong");
    }

    @Test
    void tokenWithoutSubjectOrWithAlgorithmNoneIsRefusedWith401() throws Exception {
        nodes.start(o -> o.security(s -> s.jwtSecret(SECRET)));
        String noSubject = JWT.create().withExpiresAt(Instant.now().plusSeconds(60)).sign(Algorithm.HMAC256(SECRET));
        assertRefused(nodes.options().withBearer(noSubject));
        String unsigned = JWT.create().withSubject("root").withExpiresAt(Instant.now().plusSeconds(60)).sign(Algorithm.none());
        assertRefused(nodes.options().withBearer(unsigned));
    }

    /** Connecting must fail with HTTP 401 and a JSON {@code unauthorized} error; returns the error object. */
    private JsonNode assertRefused(TestClient.Options options) throws Exception {
        TestClient.Refused refused = catchThrowableOfType(TestClient.Refused.class, () -> nodes.connect(options));
        assertThat(refused).as("upgrade refused").isNotNull();
        assertThat(refused.status()).isEqualTo(401);
        JsonNode body = Encoding.JSON.mapper().readTree(refused.body());
        assertThat(body.path("error").path("code").asText()).as("body %s", refused.body()).isEqualTo("unauthorized");
        assertThat(body.path("error").path("message").asText()).isNotBlank();
        return body.path("error");
    }
}

package io.wscluster.transport;

import static io.wscluster.transport.Wire.error;
import static io.wscluster.transport.Wire.expect;
import static io.wscluster.transport.Wire.publish;
import static io.wscluster.transport.Wire.subscribe;
import static org.assertj.core.api.Assertions.assertThat;

import com.auth0.jwt.JWT;
import com.auth0.jwt.JWTCreator;
import com.auth0.jwt.algorithms.Algorithm;
import com.fasterxml.jackson.databind.JsonNode;
import io.wscluster.NodeFixture;
import io.wscluster.security.NamespaceSpec;
import io.wscluster.security.RoomAccess;
import io.wscluster.security.SecurityOptions;
import io.wscluster.testkit.TestClient;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Room rules from configuration, with real clients: the defaults, namespaces, grants by token claim
 * and subscription tokens. Every denial is {@code forbidden}, says why, and changes nothing.
 */
class RoomPermissionsIT {
    private static final String SECRET = "room-permissions-secret";
    private static final Algorithm HS256 = Algorithm.HMAC256(SECRET);

    @RegisterExtension
    final NodeFixture nodes = new NodeFixture();

    private static JWTCreator.Builder token(String user) {
        return JWT.create().withSubject(user).withExpiresAt(Instant.now().plusSeconds(600));
    }

    private TestClient as(JWTCreator.Builder token) throws Exception {
        TestClient c = nodes.connect(nodes.options().withBearer(token.sign(HS256)));
        expect(c.next(), "welcome");
        return c;
    }

    private static long latestOffset(TestClient c, String room) {
        return expect(c.request(c.frame("history").put("room", room)), "history").path("offset").asLong();
    }

    @Test
    void byDefaultAnyoneSubscribesButNoClientPublishesAndOnlyUsersReadPresence() throws Exception {
        nodes.start(o -> o.security(s -> s.roomPublish(SecurityOptions.DEFAULT_ROOM_PUBLISH).roomPresence(SecurityOptions.DEFAULT_ROOM_PRESENCE)));
        TestClient anonymous = nodes.open();
        subscribe(anonymous, "news");
        JsonNode refused = error(anonymous, anonymous.frame("publish").put("room", "news").put("data", "spam"), "forbidden");
        assertThat(refused.path("message").asText())
                .isEqualTo("no publish permission on room 'news': the default namespace allows only users whose token grants the room");
        error(anonymous, anonymous.frame("presence").put("room", "news"), "forbidden");
        assertThat(latestOffset(anonymous, "news")).as("nothing published").isZero();

        // The server side still publishes.
        nodes.node().publish("news", "from the server").toCompletableFuture().get();
        assertThat(anonymous.next("message").path("data").asText()).isEqualTo("from the server");
    }

    @Test
    void namespacesClaimsAndSubscriptionTokensDecide() throws Exception {
        nodes.start(o -> o.security(s -> s.jwtSecret(SECRET).allowAnonymous(true)
                .roomPublish(SecurityOptions.DEFAULT_ROOM_PUBLISH).roomPresence(SecurityOptions.DEFAULT_ROOM_PRESENCE)
                .namespaces(List.of(
                        new NamespaceSpec("chat", RoomAccess.AUTHENTICATED, RoomAccess.AUTHENTICATED, null, null, null),
                        new NamespaceSpec("user", RoomAccess.GRANTED, RoomAccess.OFF, null, null, false)))));
        TestClient anonymous = nodes.open();
        TestClient alice = as(token("alice").withClaim("rooms", List.of("user:alice:*")));
        TestClient bob = as(token("bob"));

        // chat: users only, and users may publish.
        error(anonymous, anonymous.frame("subscribe").put("room", "chat:general"), "forbidden");
        subscribe(bob, "chat:general");
        publish(alice, "chat:general", "hi");
        assertThat(bob.next("message").path("data").asText()).isEqualTo("hi");
        expect(alice.request(alice.frame("presence").put("room", "chat:general")), "presence");

        // user: only what the token grants; nobody publishes from a client; no presence kept.
        subscribe(alice, "user:alice:inbox");
        JsonNode other = error(alice, alice.frame("subscribe").put("room", "user:bob:inbox"), "forbidden");
        assertThat(other.path("message").asText()).endsWith("namespace 'user' allows only users whose token grants the room");
        error(alice, alice.frame("publish").put("room", "user:alice:inbox").put("data", 1), "forbidden");
        error(alice, alice.frame("presence").put("room", "user:alice:inbox"), "bad_request");

        // A subscription token grants one room to one user, for subscribing and reading its history.
        String forBob = token("bob").withClaim("room", "user:shared").sign(HS256);
        error(bob, bob.frame("history").put("room", "user:shared"), "forbidden");
        expect(bob.request(bob.frame("subscribe").put("room", "user:shared").put("token", forBob)), "subscribed");
        expect(bob.request(bob.frame("history").put("room", "user:shared")), "history");
        assertThat(error(alice, alice.frame("subscribe").put("room", "user:shared").put("token", forBob), "forbidden")
                .path("message").asText()).isEqualTo("the subscription token is for another user");
        assertThat(error(alice, alice.frame("subscribe").put("room", "user:other").put("token",
                token("alice").withClaim("room", "user:shared").sign(HS256)), "forbidden").path("message").asText())
                .isEqualTo("the subscription token is for another room");
        assertThat(error(alice, alice.frame("subscribe").put("room", "user:shared").put("token",
                token("alice").withClaim("room", "user:shared").withExpiresAt(Instant.now().minusSeconds(60)).sign(HS256)), "forbidden")
                .path("message").asText()).isEqualTo("subscription token refused: token expired");
        assertThat(error(alice, alice.frame("subscribe").put("room", "user:shared").put("token",
                token("alice").withClaim("room", "user:shared").sign(Algorithm.HMAC256("forged"))), "forbidden")
                .path("message").asText()).contains("signature");
        assertThat(alice.isOpen()).isTrue();
        assertThat(latestOffset(alice, "user:alice:inbox")).as("nothing published").isZero();
    }

    @Test
    void aNamespaceKeepsTheHistoryItsRulesSay() throws Exception {
        nodes.start(o -> o.history(h -> h.size(100)).security(s -> s.namespaces(List.of(
                new NamespaceSpec("ticker", null, null, null, null, null, 2, java.time.Duration.ofMinutes(1), null, null)))));
        for (int i = 1; i <= 5; i++) {
            nodes.node().publish("ticker:eurusd", i).toCompletableFuture().get();
            nodes.node().publish("lobby", i).toCompletableFuture().get();
        }
        TestClient c = nodes.open();
        JsonNode ticker = expect(c.request(c.frame("history").put("room", "ticker:eurusd")), "history");
        assertThat(ticker.path("messages")).hasSize(2);
        assertThat(ticker.path("offset").asLong()).isEqualTo(5);
        assertThat(expect(c.request(c.frame("history").put("room", "lobby")), "history").path("messages")).hasSize(5);
    }

    @Test
    void theEmbeddingApisAuthorizerNarrowsWhatTheConfigurationAllows() throws Exception {
        nodes.start(o -> o.security(s -> s.roomPublish(RoomAccess.ANYONE)),
                app -> app.authorizePublish((principal, room) -> !room.startsWith("announce")));
        TestClient c = nodes.open();
        publish(c, "lobby", "ok");
        assertThat(error(c, c.frame("publish").put("room", "announce").put("data", 1), "forbidden").path("message").asText())
                .isEqualTo("no publish permission on room 'announce'");
    }
}

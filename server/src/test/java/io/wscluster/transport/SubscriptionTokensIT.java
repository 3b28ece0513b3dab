package io.wscluster.transport;

import static io.wscluster.transport.Wire.assertSilent;
import static io.wscluster.transport.Wire.error;
import static io.wscluster.transport.Wire.expect;
import static io.wscluster.transport.Wire.range;
import static io.wscluster.transport.Wire.subscribe;
import static org.assertj.core.api.Assertions.assertThat;

import com.auth0.jwt.JWT;
import com.auth0.jwt.JWTCreator;
import com.auth0.jwt.algorithms.Algorithm;
import com.fasterxml.jackson.databind.JsonNode;
import io.wscluster.NodeFixture;
import io.wscluster.security.NamespaceSpec;
import io.wscluster.security.RoomAccess;
import io.wscluster.testkit.TestClient;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Rooms held by tokens as time passes, with real clients: a subscription token that expires ends
 * its room ({@code unsubscribed} with a reason), one renewed in place ({@code refresh} with the
 * room) keeps it without a lost or repeated message, and a refreshed connection token ends the
 * rooms it no longer grants. Rooms the rules grant by themselves stay.
 */
class SubscriptionTokensIT {
    private static final String SECRET = "subscription-tokens-secret";
    private static final Algorithm HS256 = Algorithm.HMAC256(SECRET);
    /** The node's sweep looks every second; a token's exp has whole seconds. */
    private static final Duration PAST_A_SWEEP = Duration.ofMillis(2500);

    @RegisterExtension
    final NodeFixture nodes = new NodeFixture();

    /** The {@code user} namespace grants rooms only by token; the default namespace lets anyone subscribe. */
    private void start() {
        nodes.start(o -> o.security(s -> s.jwtSecret(SECRET).namespaces(List.of(
                new NamespaceSpec("user", RoomAccess.GRANTED, RoomAccess.OFF, null, null, false)))));
    }

    private static JWTCreator.Builder token(String user) {
        return JWT.create().withSubject(user).withExpiresAt(Instant.now().plusSeconds(600));
    }

    private static String roomToken(String user, String room, Instant expires) {
        return JWT.create().withSubject(user).withClaim("room", room).withExpiresAt(expires).sign(HS256);
    }

    private TestClient as(JWTCreator.Builder token) throws Exception {
        TestClient c = nodes.connect(nodes.options().withBearer(token.sign(HS256)));
        expect(c.next(), "welcome");
        return c;
    }

    private static JsonNode subscribeWith(TestClient c, String room, String token) {
        return expect(c.request(c.frame("subscribe").put("room", room).put("token", token)), "subscribed");
    }

    private void publish(String room, Object data) throws Exception {
        nodes.node().publish(room, data).toCompletableFuture().get();
    }

    @Test
    void aRoomHeldOnlyByASubscriptionTokenEndsWhenTheTokenExpires() throws Exception {
        start();
        TestClient bob = as(token("bob"));
        Instant soon = Instant.now().plusSeconds(2);
        subscribeWith(bob, "user:shared", roomToken("bob", "user:shared", soon));
        subscribeWith(bob, "lobby", roomToken("bob", "lobby", soon)); // the rules grant it anyway
        publish("user:shared", "before");
        assertThat(bob.next().path("data").asText()).isEqualTo("before");

        JsonNode ended = bob.next(PAST_A_SWEEP.plus(PAST_A_SWEEP));
        expect(ended, "unsubscribed");
        assertThat(ended.path("room").asText()).isEqualTo("user:shared");
        assertThat(ended.path("reason").asText()).isEqualTo("subscription token expired");
        assertThat(ended.has("id")).isFalse();
        assertThat(Instant.now()).isAfterOrEqualTo(Instant.ofEpochSecond(soon.getEpochSecond())); // exp has whole seconds

        publish("user:shared", "after");
        publish("lobby", "still here");
        JsonNode next = bob.next();
        assertThat(next.path("room").asText()).as("only the lobby: %s", next).isEqualTo("lobby");
        assertSilent(bob);
        assertThat(error(bob, bob.frame("history").put("room", "user:shared"), "forbidden").path("message").asText())
                .contains("only users whose token grants the room");

        // A fresh token subscribes again, from where the client says.
        JsonNode again = subscribeWith(bob, "user:shared", roomToken("bob", "user:shared", Instant.now().plusSeconds(600)));
        assertThat(again.path("offset").asLong()).isEqualTo(2);
        publish("user:shared", "back");
        assertThat(bob.next("message").path("data").asText()).isEqualTo("back");
    }

    @Test
    void aSubscriptionTokenRenewedBeforeItExpiresKeepsTheRoomWithNoLossOrDuplicate() throws Exception {
        start();
        TestClient bob = as(token("bob"));
        Instant soon = Instant.now().plusSeconds(3); // at least two seconds with exp's whole seconds: the renewal comes first
        subscribeWith(bob, "user:shared", roomToken("bob", "user:shared", soon));

        // Refusals change nothing.
        error(bob, bob.frame("refresh").put("room", "user:other").put("token", roomToken("bob", "user:other", soon)), "bad_request");
        assertThat(error(bob, bob.frame("refresh").put("room", "user:shared")
                .put("token", roomToken("alice", "user:shared", soon)), "forbidden").path("message").asText())
                .isEqualTo("the subscription token is for another user");
        assertThat(error(bob, bob.frame("refresh").put("room", "user:shared")
                .put("token", roomToken("bob", "user:other", soon)), "forbidden").path("message").asText())
                .isEqualTo("the subscription token is for another room");

        int count = 200; // 20 ms apart: four seconds, across the first token's expiry
        CompletableFuture<Void> publisher = CompletableFuture.runAsync(() -> {
            try {
                for (int i = 1; i <= count; i++) {
                    publish("user:shared", i);
                    Thread.sleep(20);
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        Thread.sleep(500);
        Instant later = Instant.now().plusSeconds(600);
        bob.send(bob.frame("refresh").put("id", 1000).put("room", "user:shared").put("token", roomToken("bob", "user:shared", later)));

        List<JsonNode> messages = new ArrayList<>();
        JsonNode refreshed = null;
        while (messages.size() < count || refreshed == null) {
            JsonNode f = bob.next();
            switch (f.path("op").asText()) {
                case "message" -> messages.add(f);
                case "refreshed" -> refreshed = f;
                default -> throw new AssertionError("unexpected frame " + f);
            }
        }
        publisher.get();
        assertThat(refreshed.path("id").asLong()).isEqualTo(1000);
        assertThat(refreshed.path("room").asText()).isEqualTo("user:shared");
        assertThat(refreshed.path("expires_at").asLong()).isEqualTo(later.getEpochSecond() * 1000);
        assertThat(Wire.offsets(messages)).isEqualTo(range(1, count));

        Thread.sleep(Math.max(0, Duration.between(Instant.now(), soon.plus(PAST_A_SWEEP)).toMillis()));
        publish("user:shared", "after the first token");
        JsonNode after = bob.next();
        assertThat(after.path("offset").asLong()).as("still subscribed: %s", after).isEqualTo(count + 1);
    }

    @Test
    void aRefreshedConnectionTokenThatNoLongerGrantsARoomEndsIt() throws Exception {
        start();
        TestClient alice = as(token("alice").withClaim("rooms", List.of("user:alice:*")));
        subscribe(alice, "user:alice:inbox");
        subscribeWith(alice, "user:shared", roomToken("alice", "user:shared", Instant.now().plusSeconds(600)));
        subscribe(alice, "lobby");

        expect(alice.request(alice.frame("refresh").put("token", token("alice").sign(HS256))), "refreshed");
        JsonNode ended = expect(alice.next(), "unsubscribed");
        assertThat(ended.path("room").asText()).isEqualTo("user:alice:inbox");
        assertThat(ended.path("reason").asText()).isEqualTo("not granted by the refreshed token");

        publish("user:alice:inbox", "private");
        publish("user:shared", "shared");
        publish("lobby", "public");
        assertThat(List.of(alice.next().path("data").asText(), alice.next().path("data").asText()))
                .containsExactlyInAnyOrder("shared", "public");
        assertSilent(alice);
        error(alice, alice.frame("subscribe").put("room", "user:alice:inbox"), "forbidden");
    }
}

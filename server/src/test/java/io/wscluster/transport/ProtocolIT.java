package io.wscluster.transport;

import static io.wscluster.transport.Wire.expect;
import static io.wscluster.transport.Wire.offsets;
import static io.wscluster.transport.Wire.publish;
import static io.wscluster.transport.Wire.range;
import static io.wscluster.transport.Wire.subscribe;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.wscluster.NodeFixture;
import io.wscluster.security.ClientReach;
import io.wscluster.testkit.TestClient;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Every request of protocol.md against one node on the embedded bus, over JSON. */
class ProtocolIT {
    @RegisterExtension
    final NodeFixture nodes = new NodeFixture();

    @BeforeEach
    void start() {
        nodes.start(o -> o.security(s -> s.jwtSecret("s3cret").allowAnonymous(true).clientSend(ClientReach.ANYONE).clientBroadcast(ClientReach.ANYONE)),
                b -> b.op("echo", (session, frame) -> CompletableFuture.completedFuture(frame.get("data"))));
    }

    @Test
    void welcomeDescribesTheConnection() throws Exception {
        TestClient anonymous = nodes.connect(nodes.options());
        TestClient alice = nodes.connect(nodes.optionsAs("alice"));

        JsonNode welcome = expect(anonymous.next(), "welcome");
        assertThat(welcome.path("session").asText()).isNotEmpty();
        assertThat(welcome.path("node").asText()).isEqualTo(NodeFixture.NODE_ID);
        assertThat(welcome.has("user")).as("welcome %s has a user field", welcome).isTrue();
        assertThat(welcome.get("user").isNull()).as("user of an anonymous connection in %s", welcome).isTrue();
        assertThat(welcome.path("ping_ms").asLong()).isEqualTo(TransportOptions.DEFAULT_PING_INTERVAL.toMillis());

        JsonNode aliceWelcome = expect(alice.next(), "welcome");
        assertThat(aliceWelcome.path("user").asText()).isEqualTo("alice");
        assertThat(aliceWelcome.path("session").asText()).isNotEqualTo(welcome.path("session").asText());
    }

    @Test
    void sessionParameterKeepsTheSessionIdOfAnEarlierConnection() throws Exception {
        TestClient first = nodes.connect(nodes.options());
        String session = expect(first.next(), "welcome").path("session").asText();
        first.close();

        TestClient again = nodes.connect(nodes.options().withUrl(nodes.node().url() + "?session=" + session));
        assertThat(expect(again.next(), "welcome").path("session").asText()).isEqualTo(session);

        assertThat(session).hasSize(32); // 128 random bits and 64 of MAC
        // Made up, mangled, or of another cluster: never taken; a new session, and the welcome says why.
        String otherCluster = new SessionIds(SessionIds.newKey()).issue(null);
        char flipped = session.charAt(5) == 'A' ? 'B' : 'A';
        for (String invented : List.of("x".repeat(65), "support-chat-42", "A".repeat(32), session.substring(1),
                session.substring(0, 5) + flipped + session.substring(6), otherCluster)) {
            try (TestClient c = TestClient.connect(nodes.node().url() + "?session=" + invented)) {
                JsonNode w = expect(c.next(), "welcome");
                assertThat(w.path("session").asText()).as("?session=%s", invented).isNotEqualTo(invented).isNotEqualTo(session)
                        .hasSize(32);
                assertThat(w.path("resumed").asBoolean()).isFalse();
                assertThat(w.path("session_refused").asText()).contains("not issued to you");
            }
        }
        try (TestClient c = TestClient.connect(nodes.node().url() + "?session=" + session)) {
            assertThat(expect(c.next(), "welcome").has("session_refused")).isFalse();
        }
    }

    @Test
    void presenceCountsAReconnectionThatKeptItsSessionIdWhileTheOldOneLingers() throws Exception {
        // A client reconnects with ?session= before the server has noticed its old connection die.
        TestClient old = nodes.connect(nodes.optionsAs("alice"));
        String session = expect(old.next(), "welcome").path("session").asText();
        subscribe(old, "lobby");
        TestClient reconnected = nodes.open(nodes.optionsAs("alice").withUrl(nodes.node().url() + "?session=" + session));
        subscribe(reconnected, "lobby");
        TestClient observer = nodes.open();
        assertThat(presence(observer, "lobby").path("connections").asInt()).isEqualTo(2);

        old.close();
        await().atMost(TestClient.TIMEOUT).until(() -> nodes.node().registry().get("wsc_connections").gauge().value() == 2);
        JsonNode p = presence(observer, "lobby");
        assertThat(users(p)).containsExactly("alice");
        assertThat(p.path("connections").asInt()).isEqualTo(1);
    }

    @Test
    void subscribeRepliesWithTheRoomsPosition() throws Exception {
        TestClient first = nodes.open();
        JsonNode fresh = first.request(first.frame("subscribe").put("room", "news"));
        assertThat(fresh.path("op").asText()).isEqualTo("subscribed");
        assertThat(fresh.path("room").asText()).isEqualTo("news");
        assertThat(fresh.path("epoch").asText()).isNotEmpty();
        assertThat(fresh.path("offset").asLong()).isZero();
        assertThat(fresh.path("recovered").isBoolean()).as("recovered in %s", fresh).isTrue();
        assertThat(fresh.path("recovered").asBoolean()).isFalse();

        for (int i = 0; i < 3; i++) {
            publish(first, "news", "n" + i);
        }
        TestClient second = nodes.open();
        JsonNode later = subscribe(second, "news");
        assertThat(later.path("epoch").asText()).isEqualTo(fresh.path("epoch").asText());
        assertThat(later.path("offset").asLong()).isEqualTo(3);
        assertThat(later.path("recovered").asBoolean()).isFalse();
    }

    @Test
    void unsubscribeStopsDelivery() throws Exception {
        TestClient leaving = nodes.open();
        TestClient staying = nodes.open();
        subscribe(leaving, "r");
        subscribe(staying, "r");
        publish(staying, "r", "before");
        assertThat(leaving.next("message").path("data").asText()).isEqualTo("before");
        assertThat(staying.next("message").path("data").asText()).isEqualTo("before");

        ObjectNode unsubscribe = leaving.frame("unsubscribe").put("room", "r");
        JsonNode reply = leaving.request(unsubscribe);
        assertThat(reply.path("op").asText()).isEqualTo("unsubscribed");
        assertThat(reply.path("room").asText()).isEqualTo("r");
        assertThat(reply.path("id").asLong()).isEqualTo(unsubscribe.path("id").asLong());

        publish(staying, "r", "after");
        // Once the remaining subscriber has it, the one who left would have it too.
        assertThat(staying.next("message").path("data").asText()).isEqualTo("after");
        Wire.assertSilent(leaving);

        // Subscribing again works as the first time.
        assertThat(subscribe(leaving, "r").path("offset").asLong()).isEqualTo(2);
        publish(staying, "r", "again");
        assertThat(leaving.next("message").path("offset").asLong()).isEqualTo(3);
    }

    @Test
    void publishIsAckedWithItsOffsetAndDeliveredAsAMessageFrame() throws Exception {
        TestClient subscriber = nodes.open();
        TestClient bob = nodes.openAs("bob");
        JsonNode subscribed = subscribe(subscriber, "prices");

        ObjectNode publish = bob.frame("publish").put("room", "prices");
        publish.putObject("data").put("EURUSD", 1.08).putArray("tags").add("fx");
        long before = System.currentTimeMillis();
        JsonNode ack = bob.request(publish);
        long after = System.currentTimeMillis();
        assertThat(ack.path("op").asText()).isEqualTo("ack");
        assertThat(ack.path("id").asLong()).isEqualTo(publish.path("id").asLong());
        assertThat(ack.path("offset").asLong()).isEqualTo(1);

        JsonNode m = subscriber.next("message");
        assertThat(m.path("room").asText()).isEqualTo("prices");
        assertThat(m.path("epoch").asText()).isEqualTo(subscribed.path("epoch").asText());
        assertThat(m.path("offset").asLong()).isEqualTo(1);
        assertThat(m.path("data")).isEqualTo(publish.get("data"));
        assertThat(m.path("from").asText()).isEqualTo("bob");
        assertThat(m.path("ts").asLong()).isBetween(before, after);

        // An anonymous publisher has no user id: "from" is absent or null, never a made-up name.
        TestClient anonymous = nodes.open();
        assertThat(publish(anonymous, "prices", "anon").path("offset").asLong()).isEqualTo(2);
        JsonNode fromAnonymous = subscriber.next("message");
        assertThat(fromAnonymous.path("offset").asLong()).isEqualTo(2);
        assertThat(fromAnonymous.path("from").isMissingNode() || fromAnonymous.path("from").isNull())
                .as("from in %s", fromAnonymous).isTrue();
    }

    @Test
    void offsetsStrictlyIncreaseAndEverySubscriberKeepsTheOrder() throws Exception {
        int count = 200;
        List<TestClient> subscribers = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            TestClient s = nodes.open();
            subscribe(s, "ticks");
            subscribers.add(s);
        }
        TestClient publisher = nodes.open();
        for (int i = 1; i <= count; i++) {
            publisher.send(publisher.frame("publish").put("id", i).put("room", "ticks").put("data", "t" + i));
        }

        List<Long> acked = new ArrayList<>();
        for (int i = 1; i <= count; i++) {
            int id = i;
            JsonNode ack = publisher.nextMatching(f -> f.path("id").asInt() == id, TestClient.TIMEOUT);
            acked.add(expect(ack, "ack").path("offset").asLong());
        }
        assertThat(acked).as("offsets acked, in request order").isEqualTo(range(1, count));

        for (TestClient s : subscribers) {
            List<JsonNode> got = s.messages(count);
            assertThat(offsets(got)).isEqualTo(range(1, count));
            for (JsonNode m : got) {
                assertThat(m.path("data").asText()).isEqualTo("t" + m.path("offset").asLong());
            }
        }
    }

    @Test
    void sendReachesEveryConnectionOfThatUserAndNobodyElse() throws Exception {
        TestClient alicePhone = nodes.openAs("alice");
        TestClient aliceLaptop = nodes.openAs("alice");
        TestClient carol = nodes.openAs("carol");
        TestClient bob = nodes.openAs("bob");

        ObjectNode send = bob.frame("send").put("user", "alice");
        send.putObject("data").put("text", "hi alice");
        JsonNode ack = bob.request(send);
        assertThat(ack.path("op").asText()).isEqualTo("ack");
        assertThat(ack.path("id").asLong()).isEqualTo(send.path("id").asLong());

        for (TestClient alice : List.of(alicePhone, aliceLaptop)) {
            JsonNode m = alice.next("message");
            assertThat(m.path("user").asText()).isEqualTo("alice");
            assertThat(m.path("data")).isEqualTo(send.get("data"));
            assertThat(m.path("from").asText()).isEqualTo("bob");
            assertThat(m.path("ts").asLong()).isPositive();
        }
        Wire.assertSilent(carol);
        Wire.assertSilent(bob);
    }

    @Test
    void broadcastReachesEveryConnection() throws Exception {
        List<TestClient> everyone = List.of(nodes.open(), nodes.openAs("alice"), nodes.openAs("bob"), nodes.open());
        TestClient sender = everyone.get(2);
        ObjectNode broadcast = sender.frame("broadcast").put("data", "maintenance at noon");
        assertThat(sender.request(broadcast).path("op").asText()).isEqualTo("ack");

        for (TestClient c : everyone) {
            JsonNode m = c.next("message");
            assertThat(m.path("broadcast").asBoolean()).as("broadcast flag in %s", m).isTrue();
            assertThat(m.path("data").asText()).isEqualTo("maintenance at noon");
            assertThat(m.path("from").asText()).isEqualTo("bob");
        }
    }

    @Test
    void presenceListsUsersAndCountsConnections() throws Exception {
        TestClient alice = nodes.openAs("alice");
        TestClient bob = nodes.openAs("bob");
        TestClient bobAgain = nodes.openAs("bob");
        TestClient anonymous = nodes.open();
        for (TestClient c : List.of(alice, bob, bobAgain, anonymous)) {
            subscribe(c, "lobby");
        }
        TestClient observer = nodes.open();

        JsonNode p = presence(observer, "lobby");
        assertThat(p.path("room").asText()).isEqualTo("lobby");
        assertThat(users(p)).containsExactly("alice", "bob");
        assertThat(p.path("connections").asInt()).isEqualTo(4);

        expect(bobAgain.request(bobAgain.frame("unsubscribe").put("room", "lobby")), "unsubscribed");
        p = presence(observer, "lobby");
        assertThat(users(p)).containsExactly("alice", "bob");
        assertThat(p.path("connections").asInt()).isEqualTo(3);

        alice.close();
        await().atMost(TestClient.TIMEOUT).untilAsserted(() -> {
            JsonNode now = presence(observer, "lobby");
            assertThat(users(now)).containsExactly("bob");
            assertThat(now.path("connections").asInt()).isEqualTo(2);
        });

        JsonNode empty = presence(observer, "nobody-here");
        assertThat(users(empty)).isEmpty();
        assertThat(empty.path("connections").asInt()).isZero();
    }

    @Test
    void historyReturnsStoredMessagesOldestFirst() throws Exception {
        TestClient c = nodes.open();
        JsonNode subscribed = subscribe(c, "log");
        String epoch = subscribed.path("epoch").asText();
        for (int i = 1; i <= 5; i++) {
            publish(c, "log", "e" + i);
        }
        c.messages(5);

        JsonNode all = c.request(c.frame("history").put("room", "log"));
        assertThat(all.path("op").asText()).isEqualTo("history");
        assertThat(all.path("room").asText()).isEqualTo("log");
        assertThat(all.path("epoch").asText()).isEqualTo(epoch);
        assertThat(all.path("offset").asLong()).isEqualTo(5);
        List<JsonNode> messages = list(all.path("messages"));
        assertThat(offsets(messages)).isEqualTo(range(1, 5));
        for (JsonNode m : messages) {
            assertThat(m.path("op").asText()).isEqualTo("message");
            assertThat(m.path("room").asText()).isEqualTo("log");
            assertThat(m.path("epoch").asText()).isEqualTo(epoch);
            assertThat(m.path("data").asText()).isEqualTo("e" + m.path("offset").asLong());
        }

        JsonNode newest = c.request(c.frame("history").put("room", "log").put("limit", 2));
        assertThat(offsets(list(newest.path("messages")))).as("limit keeps the newest, oldest first").containsExactly(4L, 5L);

        ObjectNode sinceThree = c.frame("history").put("room", "log");
        sinceThree.putObject("since").put("epoch", epoch).put("offset", 3);
        assertThat(offsets(list(c.request(sinceThree).path("messages")))).containsExactly(4L, 5L);

        ObjectNode sinceOneLimitTwo = c.frame("history").put("room", "log").put("limit", 2);
        sinceOneLimitTwo.putObject("since").put("epoch", epoch).put("offset", 1);
        assertThat(offsets(list(c.request(sinceOneLimitTwo).path("messages")))).containsExactly(4L, 5L);

        JsonNode unknownRoom = c.request(c.frame("history").put("room", "never-used"));
        assertThat(unknownRoom.path("offset").asLong()).isZero();
        assertThat(unknownRoom.path("messages").size()).isZero();
    }

    @Test
    void pingIsAnsweredWithPong() throws Exception {
        TestClient c = nodes.open();
        ObjectNode ping = c.frame("ping");
        JsonNode pong = c.request(ping);
        assertThat(pong.path("op").asText()).isEqualTo("pong");
        assertThat(pong.path("id").asLong()).isEqualTo(ping.path("id").asLong());

        c.send(c.frame("ping"));
        JsonNode bare = c.next("pong");
        assertThat(bare.has("id")).as("pong to a ping without id: %s", bare).isFalse();
    }

    @Test
    void applicationOpRepliesWithItsData() throws Exception {
        TestClient c = nodes.open();
        ObjectNode echo = c.frame("echo");
        echo.putObject("data").put("n", 42).putArray("list").add(1).add("two");
        JsonNode reply = c.request(echo);
        assertThat(reply.path("op").asText()).isEqualTo("reply");
        assertThat(reply.path("id").asLong()).isEqualTo(echo.path("id").asLong());
        assertThat(reply.path("data")).isEqualTo(echo.get("data"));
    }

    private static JsonNode presence(TestClient c, String room) {
        return expect(c.request(c.frame("presence").put("room", room)), "presence");
    }

    private static List<String> users(JsonNode presence) {
        List<String> out = new ArrayList<>();
        presence.path("users").forEach(u -> out.add(u.asText()));
        return out;
    }

    private static List<JsonNode> list(JsonNode array) {
        List<JsonNode> out = new ArrayList<>();
        array.forEach(out::add);
        return out;
    }
}

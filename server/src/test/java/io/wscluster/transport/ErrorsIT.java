package io.wscluster.transport;

import static io.wscluster.transport.Wire.error;
import static io.wscluster.transport.Wire.expect;
import static io.wscluster.transport.Wire.publish;
import static io.wscluster.transport.Wire.subscribe;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.wscluster.NodeFixture;
import io.wscluster.codec.Encoding;
import io.wscluster.testkit.TestClient;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Bad input: a bad frame gets an {@code error} frame and the connection stays open; a frame the
 * WebSocket layer cannot take closes the connection with the code of protocol.md; nobody else is
 * ever affected.
 */
class ErrorsIT {
    private static final String ROOM_201 = "r".repeat(201);

    @RegisterExtension
    final NodeFixture nodes = new NodeFixture();

    /** A raw text frame that must be answered with {@code bad_request}, and the id the answer must carry (0: none). */
    record BadFrame(String what, String text, long id) {
    }

    private static final List<BadFrame> BAD_FRAMES = List.of(
            new BadFrame("malformed JSON", "{\"op\":\"publish\",", 0),
            new BadFrame("not JSON at all", "hello", 0),
            new BadFrame("empty frame", "", 0),
            new BadFrame("array frame", "[{\"op\":\"ping\",\"id\":1}]", 0),
            new BadFrame("string frame", "\"ping\"", 0),
            new BadFrame("number frame", "42", 0),
            new BadFrame("null frame", "null", 0),
            new BadFrame("unknown op", "{\"op\":\"fly\",\"id\":11}", 11),
            new BadFrame("missing op", "{\"id\":12,\"room\":\"r\"}", 12),
            new BadFrame("op not a string", "{\"op\":7,\"id\":13}", 13),
            new BadFrame("subscribe without room", "{\"op\":\"subscribe\",\"id\":14}", 14),
            new BadFrame("unsubscribe without room", "{\"op\":\"unsubscribe\",\"id\":15}", 15),
            new BadFrame("publish without room", "{\"op\":\"publish\",\"id\":16,\"data\":1}", 16),
            new BadFrame("publish without data", "{\"op\":\"publish\",\"id\":17,\"room\":\"r\"}", 17),
            new BadFrame("send without user", "{\"op\":\"send\",\"id\":18,\"data\":1}", 18),
            new BadFrame("send without data", "{\"op\":\"send\",\"id\":19,\"user\":\"alice\"}", 19),
            new BadFrame("send to an empty user", "{\"op\":\"send\",\"id\":20,\"user\":\"\",\"data\":1}", 20),
            new BadFrame("broadcast without data", "{\"op\":\"broadcast\",\"id\":21}", 21),
            new BadFrame("presence without room", "{\"op\":\"presence\",\"id\":22}", 22),
            new BadFrame("history without room", "{\"op\":\"history\",\"id\":23}", 23),
            new BadFrame("room as a number", "{\"op\":\"subscribe\",\"id\":24,\"room\":12}", 24),
            new BadFrame("room as an object", "{\"op\":\"publish\",\"id\":25,\"room\":{},\"data\":1}", 25),
            new BadFrame("room null", "{\"op\":\"subscribe\",\"id\":26,\"room\":null}", 26),
            new BadFrame("empty room", "{\"op\":\"subscribe\",\"id\":27,\"room\":\"\"}", 27),
            new BadFrame("201-char room", "{\"op\":\"subscribe\",\"id\":28,\"room\":\"" + ROOM_201 + "\"}", 28),
            new BadFrame("room with a space", "{\"op\":\"subscribe\",\"id\":29,\"room\":\"a b\"}", 29),
            new BadFrame("room with #", "{\"op\":\"publish\",\"id\":30,\"room\":\"room#1\",\"data\":1}", 30),
            new BadFrame("room with a non-ASCII letter", "{\"op\":\"subscribe\",\"id\":31,\"room\":\"caf\u00e9\"}", 31),
            new BadFrame("negative id", "{\"op\":\"ping\",\"id\":-1}", 0),
            new BadFrame("zero id", "{\"op\":\"ping\",\"id\":0}", 0),
            new BadFrame("fractional id", "{\"op\":\"ping\",\"id\":1.5}", 0),
            new BadFrame("id as a string", "{\"op\":\"ping\",\"id\":\"7\"}", 0),
            new BadFrame("since as a string", "{\"op\":\"subscribe\",\"id\":32,\"room\":\"r\",\"since\":\"abc\"}", 32),
            new BadFrame("since without offset", "{\"op\":\"subscribe\",\"id\":33,\"room\":\"r\",\"since\":{\"epoch\":\"e\"}}", 33),
            new BadFrame("since with a numeric epoch", "{\"op\":\"subscribe\",\"id\":34,\"room\":\"r\",\"since\":{\"epoch\":1,\"offset\":2}}", 34),
            new BadFrame("since with a negative offset", "{\"op\":\"subscribe\",\"id\":35,\"room\":\"r\",\"since\":{\"epoch\":\"e\",\"offset\":-1}}", 35),
            new BadFrame("since with a text offset", "{\"op\":\"history\",\"id\":36,\"room\":\"r\",\"since\":{\"epoch\":\"e\",\"offset\":\"3\"}}", 36),
            new BadFrame("limit zero", "{\"op\":\"history\",\"id\":37,\"room\":\"r\",\"limit\":0}", 37),
            new BadFrame("limit as a string", "{\"op\":\"history\",\"id\":38,\"room\":\"r\",\"limit\":\"5\"}", 38),
            new BadFrame("unknown priority", "{\"op\":\"publish\",\"id\":39,\"room\":\"r\",\"data\":1,\"priority\":\"urgent\"}", 39),
            new BadFrame("priority as a number", "{\"op\":\"broadcast\",\"id\":40,\"data\":1,\"priority\":3}", 40));

    @Test
    void everyBadFrameGetsBadRequestAndTheConnectionStaysUsable() throws Exception {
        nodes.start();
        TestClient c = nodes.open();
        SoftAssertions softly = new SoftAssertions();
        long pingId = 1000;
        for (BadFrame bad : BAD_FRAMES) {
            c.sendText(bad.text());
            JsonNode reply = c.next(TestClient.TIMEOUT);
            softly.assertThat(reply.path("op").asText()).as("%s: reply %s", bad.what(), reply).isEqualTo("error");
            softly.assertThat(reply.path("code").asText()).as("%s: reply %s", bad.what(), reply).isEqualTo("bad_request");
            softly.assertThat(reply.path("message").asText()).as("%s: message", bad.what()).isNotBlank();
            if (bad.id() > 0) {
                softly.assertThat(reply.path("id").asLong()).as("%s: id of %s", bad.what(), reply).isEqualTo(bad.id());
            } else {
                softly.assertThat(reply.has("id")).as("%s: no id to echo, yet %s", bad.what(), reply).isFalse();
            }
            // Still open and answering, in order.
            c.send(c.frame("ping").put("id", ++pingId));
            JsonNode pong = c.next(TestClient.TIMEOUT);
            softly.assertThat(pong.path("op").asText()).as("after %s: %s", bad.what(), pong).isEqualTo("pong");
            softly.assertThat(pong.path("id").asLong()).as("after %s: %s", bad.what(), pong).isEqualTo(pingId);
        }
        softly.assertAll();
        assertThat(c.isOpen()).isTrue();
    }

    @Test
    void theLongestValidRoomIsAccepted() throws Exception {
        nodes.start();
        TestClient c = nodes.open();
        String longest = "ns:" + "a".repeat(197);
        assertThat(subscribe(c, longest).path("room").asText()).isEqualTo(longest);
        String punctuation = "a_b-c.d:e@f/g";
        assertThat(subscribe(c, punctuation).path("room").asText()).isEqualTo(punctuation);
    }

    @Test
    void subscribingTwiceIsABadRequestAndKeepsTheFirstSubscription() throws Exception {
        nodes.start();
        TestClient c = nodes.open();
        subscribe(c, "twice");
        JsonNode again = error(c, c.frame("subscribe").put("room", "twice"), "bad_request");
        assertThat(again.path("message").asText()).contains("twice");

        publish(c, "twice", "once");
        assertThat(c.next("message").path("data").asText()).isEqualTo("once");
        Wire.assertSilent(c);
    }

    @Test
    void refusedSubscribeAndPublishAreForbiddenAndNameTheRoom() throws Exception {
        nodes.start(o -> o, b -> b
                .authorizeSubscribe((principal, room) -> !room.startsWith("secret:"))
                .authorizePublish((principal, room) -> !room.startsWith("readonly:")));
        TestClient c = nodes.open();

        ObjectNode subscribe = c.frame("subscribe").put("room", "secret:plans");
        JsonNode refused = error(c, subscribe, "forbidden");
        assertThat(refused.path("id").asLong()).isEqualTo(subscribe.path("id").asLong());
        assertThat(refused.path("message").asText()).contains("secret:plans");
        assertThat(error(c, c.frame("history").put("room", "secret:plans"), "forbidden").path("message").asText())
                .contains("secret:plans");
        assertThat(error(c, c.frame("presence").put("room", "secret:plans"), "forbidden").path("message").asText())
                .contains("secret:plans");

        TestClient reader = nodes.open();
        JsonNode subscribed = subscribe(reader, "readonly:news");
        ObjectNode publish = c.frame("publish").put("room", "readonly:news").put("data", "x");
        JsonNode forbidden = error(c, publish, "forbidden");
        assertThat(forbidden.path("id").asLong()).isEqualTo(publish.path("id").asLong());
        assertThat(forbidden.path("message").asText()).contains("readonly:news");
        Wire.assertSilent(reader);

        // Nothing was placed in the room, and the connection goes on.
        JsonNode history = c.request(c.frame("history").put("room", "readonly:news"));
        assertThat(history.path("offset").asLong()).isEqualTo(subscribed.path("offset").asLong());
        assertThat(publish(c, "open", "fine").path("offset").asLong()).isEqualTo(1);
    }

    @Test
    void binaryFrameOnJsonClosesWith1003() throws Exception {
        nodes.start();
        TestClient c = nodes.open();
        c.sendBinary(Encoding.MSGPACK.mapper().writeValueAsBytes(c.frame("ping")));
        assertThat(c.awaitClose(TestClient.TIMEOUT).code()).isEqualTo(1003);
    }

    @Test
    void textFrameOnMsgpackClosesWith1003() throws Exception {
        nodes.start();
        TestClient c = nodes.open(nodes.options().withEncoding(Encoding.MSGPACK));
        c.sendText("{\"op\":\"ping\"}");
        assertThat(c.awaitClose(TestClient.TIMEOUT).code()).isEqualTo(1003);
    }

    @Test
    void invalidUtf8ClosesWith1007() throws Exception {
        nodes.start();
        TestClient c = nodes.open();
        byte[] prefix = "{\"op\":\"publish\",\"room\":\"r\",\"data\":\"".getBytes(StandardCharsets.UTF_8);
        byte[] bytes = new byte[prefix.length + 4];
        System.arraycopy(prefix, 0, bytes, 0, prefix.length);
        bytes[prefix.length] = (byte) 0xC3; // a lead byte followed by no continuation byte
        bytes[prefix.length + 1] = (byte) 0x28;
        bytes[prefix.length + 2] = '"';
        bytes[prefix.length + 3] = '}';
        c.sendTextBytes(bytes);
        assertThat(c.awaitClose(TestClient.TIMEOUT).code()).isEqualTo(1007);
    }

    @Test
    void frameOverTheMaximumClosesWith1009() throws Exception {
        nodes.start(o -> o.transport(t -> t.maxFrameSize(8 * 1024)));
        TestClient c = nodes.open();
        // Just under the limit is fine.
        assertThat(publish(c, "big", "x".repeat(7 * 1024)).path("offset").asLong()).isEqualTo(1);

        c.send(c.frame("publish").put("room", "big").put("data", "x".repeat(9 * 1024)));
        assertThat(c.awaitClose(TestClient.TIMEOUT).code()).isEqualTo(1009);
    }

    @Test
    void compressedMessageThatInflatesOverTheMaximumClosesWith1009() throws Exception {
        nodes.start(o -> o.transport(t -> t.maxFrameSize(8 * 1024)));
        TestClient c = nodes.open(nodes.options().withCompression());
        assertThat(c.upgradeHeaders().get("Sec-WebSocket-Extensions")).contains("permessage-deflate");
        TestClient bystander = nodes.open();
        subscribe(bystander, "big");

        // 64 KiB of one letter deflates to a few hundred bytes: the limit is on the message, not the wire.
        c.send(c.frame("publish").put("room", "big").put("data", "x".repeat(64 * 1024)));
        assertThat(c.awaitClose(TestClient.TIMEOUT).code()).isEqualTo(1009);
        Wire.assertSilent(bystander);
    }

    @Test
    void bombsQueuedBehindTheFirstStillGet1009() throws Exception {
        nodes.start(o -> o.transport(t -> t.maxFrameSize(8 * 1024)));
        TestClient c = nodes.open(nodes.options().withCompression());
        try {
            for (int i = 0; i < 50; i++) {
                c.send(c.frame("publish").put("room", "big").put("data", "x".repeat(64 * 1024)));
            }
        } catch (java.io.UncheckedIOException closedMeanwhile) {
            // the node closed the connection while bombs were still being written
        }
        assertThat(c.awaitClose(TestClient.TIMEOUT).code()).isIn(1009, 1006);
    }

    @Test
    void badClientsNeverDisturbAnotherConnection() throws Exception {
        nodes.start(o -> o.transport(t -> t.maxFrameSize(8 * 1024)));
        TestClient bystander = nodes.open();
        TestClient publisher = nodes.open();
        subscribe(bystander, "feed");
        publish(publisher, "feed", "m1");

        TestClient garbage = nodes.open();
        garbage.sendText("{{{");
        expect(garbage.next(), "error");
        publish(publisher, "feed", "m2");

        TestClient binary = nodes.open();
        binary.sendBinary(new byte[] {1, 2, 3});
        binary.awaitClose(TestClient.TIMEOUT);
        publish(publisher, "feed", "m3");

        TestClient utf8 = nodes.open();
        utf8.sendTextBytes(new byte[] {(byte) 0xFF});
        utf8.awaitClose(TestClient.TIMEOUT);
        publish(publisher, "feed", "m4");

        TestClient huge = nodes.open();
        huge.sendText("x".repeat(9 * 1024));
        huge.awaitClose(TestClient.TIMEOUT);
        publish(publisher, "feed", "m5");

        List<JsonNode> got = bystander.messages(5);
        assertThat(got).extracting(m -> m.path("data").asText()).containsExactly("m1", "m2", "m3", "m4", "m5");
        assertThat(bystander.isOpen()).isTrue();
        assertThat(expect(bystander.request(bystander.frame("ping")), "pong")).isNotNull();
    }
}

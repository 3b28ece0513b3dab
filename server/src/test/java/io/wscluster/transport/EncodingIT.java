package io.wscluster.transport;

import static io.wscluster.transport.Wire.expect;
import static io.wscluster.transport.Wire.publish;
import static io.wscluster.transport.Wire.subscribe;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.wscluster.NodeFixture;
import io.wscluster.codec.Encoding;
import io.wscluster.testkit.TestClient;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The two subprotocols and permessage-deflate. */
class EncodingIT {
    private static final String EXTENSIONS = "Sec-WebSocket-Extensions";

    @RegisterExtension
    final NodeFixture nodes = new NodeFixture();

    @Test
    void msgpackSpeaksTheWholeProtocol() throws Exception {
        nodes.start();
        TestClient c = nodes.connect(nodes.options().withEncoding(Encoding.MSGPACK));
        assertThat(c.subprotocol()).isEqualTo("wsc.v1.msgpack");

        JsonNode welcome = expect(c.next(), "welcome");
        assertThat(welcome.path("node").asText()).isEqualTo(NodeFixture.NODE_ID);
        assertThat(welcome.path("session").asText()).isNotEmpty();
        assertThat(welcome.get("user").isNull()).as("user in %s", welcome).isTrue();

        JsonNode subscribed = subscribe(c, "bin");
        assertThat(subscribed.path("offset").asLong()).isZero();
        assertThat(subscribed.path("recovered").asBoolean()).isFalse();

        ObjectNode publish = c.frame("publish").put("room", "bin");
        publish.putObject("data").put("n", 7).put("pi", 3.5).put("s", "text").putArray("a").add(true).addNull();
        JsonNode ack = c.request(publish);
        assertThat(ack.path("op").asText()).isEqualTo("ack");
        assertThat(ack.path("offset").asLong()).isEqualTo(1);

        JsonNode m = c.next("message");
        assertThat(m.path("room").asText()).isEqualTo("bin");
        assertThat(m.path("epoch").asText()).isEqualTo(subscribed.path("epoch").asText());
        assertThat(m.path("offset").asLong()).isEqualTo(1);
        assertThat(m.path("data")).isEqualTo(publish.get("data"));
        assertThat(m.path("ts").asLong()).isPositive();

        JsonNode error = Wire.error(c, c.frame("subscribe").put("room", "no spaces"), "bad_request");
        assertThat(error.path("message").asText()).isNotBlank();
        byte[][] malformed = {
            {(byte) 0xC1},             // a byte MessagePack never uses
            {(byte) 0x81},             // a map of one entry, cut short
            {(byte) 0x81, (byte) 0xA2, 'o'}, // a key string cut short
            {0x2A},                    // 42: valid MessagePack, but not an object
        };
        for (byte[] bad : malformed) {
            c.sendBinary(bad);
            JsonNode reply = c.next();
            assertThat(reply.path("op").asText()).as("reply to %s", Arrays.toString(bad)).isEqualTo("error");
            assertThat(reply.path("code").asText()).as("reply to %s", Arrays.toString(bad)).isEqualTo("bad_request");
        }
        expect(c.request(c.frame("ping")), "pong");
    }

    @Test
    void jsonAndMsgpackSubscribersGetTheSameMessage() throws Exception {
        nodes.start();
        TestClient json = nodes.open();
        TestClient msgpack = nodes.open(nodes.options().withEncoding(Encoding.MSGPACK));
        subscribe(json, "mixed");
        subscribe(msgpack, "mixed");

        ObjectNode publish = msgpack.frame("publish").put("room", "mixed");
        publish.putObject("data").put("price", 1.0825).put("qty", 1_000_000).put("sym", "EURUSD");
        publish(json, "mixed", "from json");
        expect(msgpack.request(publish), "ack");

        for (int offset = 1; offset <= 2; offset++) {
            JsonNode a = json.next("message");
            JsonNode b = msgpack.next("message");
            assertThat(a.path("offset").asLong()).isEqualTo(offset);
            assertThat(b.path("offset").asLong()).isEqualTo(offset);
            assertThat(b.path("room")).isEqualTo(a.path("room"));
            assertThat(b.path("epoch")).isEqualTo(a.path("epoch"));
            assertThat(b.path("ts").asLong()).isEqualTo(a.path("ts").asLong());
            assertThat(b.path("data")).isEqualTo(a.path("data"));
        }
    }

    @Test
    void withoutASubprotocolTheServerSpeaksJson() throws Exception {
        nodes.start();
        TestClient c = nodes.connect(nodes.options().withoutSubprotocol());
        assertThat(c.subprotocol()).isNull();
        expect(c.next(), "welcome");
        subscribe(c, "plain");
        publish(c, "plain", "hi");
        assertThat(c.next("message").path("data").asText()).isEqualTo("hi");
    }

    @Test
    void jsonSubprotocolIsSelectedWhenAskedFor() throws Exception {
        nodes.start();
        TestClient c = nodes.open();
        assertThat(c.subprotocol()).isEqualTo("wsc.v1.json");
    }

    @Test
    void permessageDeflateIsNegotiatedAndCarriesMessages() throws Exception {
        nodes.start();
        TestClient deflating = nodes.open(nodes.options().withCompression());
        assertThat(deflating.upgradeHeaders().get(EXTENSIONS)).contains("permessage-deflate");
        TestClient plain = nodes.open();
        subscribe(deflating, "z");
        subscribe(plain, "z");

        String big = "compress me please ".repeat(20 * 1024 / 19 + 1).substring(0, 20 * 1024);
        publish(deflating, "z", big);
        publish(plain, "z", "small");
        ObjectNode bigObject = deflating.frame("publish").put("room", "z");
        bigObject.putObject("data").put("text", big);
        expect(deflating.request(bigObject), "ack");

        for (TestClient c : new TestClient[] {deflating, plain}) {
            assertThat(c.next("message").path("data").asText()).isEqualTo(big);
            assertThat(c.next("message").path("data").asText()).isEqualTo("small");
            assertThat(c.next("message").path("data").path("text").asText()).isEqualTo(big);
        }
        // The two large messages travel compressed; small frames
        // (welcome, replies, the small message) go as they are, so idle connections need no deflater.
        assertThat(deflating.compressedFrames()).isEqualTo(2);
        assertThat(plain.compressedFrames()).isZero();
        JsonNode msgpackDeflate = expect(nodes.connect(nodes.options().withEncoding(Encoding.MSGPACK).withCompression()).next(), "welcome");
        assertThat(msgpackDeflate.path("node").asText()).isEqualTo(NodeFixture.NODE_ID);
    }

    @Test
    void withCompressionOffTheExtensionIsNotNegotiatedButTheConnectionWorks() throws Exception {
        nodes.start(o -> o.transport(t -> t.compression(false)));
        TestClient c = nodes.open(nodes.options().withCompression());
        String extensions = c.upgradeHeaders().get(EXTENSIONS);
        assertThat(extensions == null || !extensions.contains("permessage-deflate"))
                .as("Sec-WebSocket-Extensions: %s", extensions).isTrue();
        subscribe(c, "z");
        String big = "x".repeat(20 * 1024);
        publish(c, "z", big);
        assertThat(c.next("message").path("data").asText()).isEqualTo(big);
    }
}

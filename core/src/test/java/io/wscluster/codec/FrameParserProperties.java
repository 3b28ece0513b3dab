package io.wscluster.codec;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.buffer.Unpooled;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import io.wscluster.protocol.ErrorCode;
import io.wscluster.protocol.ProtocolException;

/**
 * No input escapes a clear error: whatever bytes or values a client sends, in either encoding,
 * parsing yields a frame or a {@code bad_request} whose message is one short line in our words,
 * never another exception, a library's class name or a parser's position dump.
 */
class FrameParserProperties {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final List<String> OPS = List.of("subscribe", "unsubscribe", "publish", "send", "broadcast", "presence",
            "history", "ping", "refresh", "custom-op", "");
    private static final List<String> FIELDS = List.of("op", "id", "room", "data", "user", "since", "limit", "priority", "token",
            "epoch", "offset");

    @Property(tries = 2000)
    void anyBytesAreAFrameOrAClearError(@ForAll byte[] bytes, @ForAll Encoding encoding) {
        assertFrameOrClearError(encoding, bytes);
    }

    @Property(tries = 2000)
    void anyJsonTextIsAFrameOrAClearError(@ForAll("jsonish") String text) {
        assertFrameOrClearError(Encoding.JSON, text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    @Property(tries = 3000)
    void anyObjectWithProtocolFieldsIsAFrameOrAClearError(@ForAll("frames") ObjectNode frame, @ForAll Encoding encoding)
            throws Exception {
        assertFrameOrClearError(encoding, encoding.mapper().writeValueAsBytes(frame));
    }

    private static void assertFrameOrClearError(Encoding encoding, byte[] bytes) {
        ClientFrame frame;
        try {
            frame = FrameParser.parse(encoding, Unpooled.wrappedBuffer(bytes));
        } catch (ProtocolException e) {
            assertThat(e.code()).isEqualTo(ErrorCode.BAD_REQUEST);
            assertThat(e.getMessage()).isNotBlank().hasSizeLessThan(400).doesNotContain("\n", "Exception", "com.fasterxml",
                    "org.msgpack", "io.netty", "[Source", "line: ");
            return;
        }
        assertThat(frame).isNotNull();
    }

    @Provide
    Arbitrary<String> jsonish() {
        Arbitrary<String> pieces = Arbitraries.of("{", "}", "[", "]", ":", ",", "\"op\"", "\"subscribe\"", "\"room\"", "\"id\"", "1",
                "-1", "1e999", "9223372036854775808", "null", "true", "\"\\u0000\"", "\"", "\\", "\"since\"", "{\"epoch\":1}", " ");
        return pieces.list().ofMaxSize(30).map(l -> String.join("", l));
    }

    @Provide
    Arbitrary<ObjectNode> frames() {
        Arbitrary<JsonNode> values = Arbitraries.oneOf(
                Arbitraries.strings().ofMaxLength(250).map(NODES::textNode),
                Arbitraries.of(OPS).map(NODES::textNode),
                Arbitraries.longs().map(NODES::numberNode),
                Arbitraries.integers().between(-3, 3).map(NODES::numberNode),
                Arbitraries.doubles().map(NODES::numberNode),
                Arbitraries.of(NODES.nullNode(), NODES.booleanNode(true), NODES.arrayNode(), NODES.objectNode(),
                        NODES.objectNode().put("epoch", "e").put("offset", -1), NODES.objectNode().put("epoch", 5)));
        Arbitrary<ObjectNode> withFields = Combinators.combine(Arbitraries.of(FIELDS).list().ofMaxSize(6), values.list().ofSize(6))
                .as((names, vals) -> {
                    ObjectNode f = NODES.objectNode();
                    for (int i = 0; i < names.size(); i++) {
                        f.set(names.get(i), vals.get(i));
                    }
                    return f;
                });
        return Combinators.combine(Arbitraries.of(OPS), withFields).as((op, f) -> {
            if (!f.has("op")) {
                f.put("op", op);
            }
            return f;
        });
    }
}

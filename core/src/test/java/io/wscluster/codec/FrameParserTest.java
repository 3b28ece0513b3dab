package io.wscluster.codec;

import static io.wscluster.testsupport.Wire.bytes;
import static io.wscluster.testsupport.Wire.object;
import static io.wscluster.testsupport.Wire.tree;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.node.NullNode;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import io.wscluster.protocol.ErrorCode;
import io.wscluster.protocol.Names;
import io.wscluster.protocol.Priority;
import io.wscluster.protocol.ProtocolException;
import io.wscluster.protocol.StreamPosition;

class FrameParserTest {

    /** Parses JSON text the way the transport hands a text frame to the parser. */
    private static ClientFrame parse(String json) {
        return FrameParser.parse(Encoding.JSON, bytes(Encoding.JSON, json));
    }

    private static ProtocolException refused(String json) {
        ProtocolException e = catchThrowableOfType(ProtocolException.class, () -> parse(json));
        assertThat(e).as("parsing %s must fail", json).isNotNull();
        return e;
    }

    @Nested
    class EveryOp {
        @Test
        void subscribe() {
            assertThat(parse("{\"op\":\"subscribe\",\"id\":1,\"room\":\"prices\"}"))
                    .isEqualTo(new ClientFrame.Subscribe(1, "prices", null));
        }

        @Test
        void subscribeWithSince() {
            assertThat(parse("{\"op\":\"subscribe\",\"id\":2,\"room\":\"fx:eur\",\"since\":{\"epoch\":\"e1\",\"offset\":57}}"))
                    .isEqualTo(new ClientFrame.Subscribe(2, "fx:eur", new StreamPosition("e1", 57)));
        }

        @Test
        void subscribeSinceOffsetZeroMeansFromTheStart() {
            assertThat(parse("{\"op\":\"subscribe\",\"room\":\"r\",\"since\":{\"epoch\":\"e1\",\"offset\":0}}"))
                    .isEqualTo(new ClientFrame.Subscribe(0, "r", new StreamPosition("e1", 0)));
        }

        @Test
        void unsubscribe() {
            assertThat(parse("{\"op\":\"unsubscribe\",\"id\":3,\"room\":\"prices\"}"))
                    .isEqualTo(new ClientFrame.Unsubscribe(3, "prices"));
        }

        @Test
        void publishWithDefaultPriority() {
            assertThat(parse("{\"op\":\"publish\",\"id\":4,\"room\":\"prices\",\"data\":{\"px\":1.25,\"tags\":[\"a\"]}}"))
                    .isEqualTo(new ClientFrame.Publish(4, "prices", tree("{\"px\":1.25,\"tags\":[\"a\"]}"), Priority.NORMAL));
        }

        @Test
        void publishWithPriority() {
            assertThat(parse("{\"op\":\"publish\",\"room\":\"r\",\"data\":\"text\",\"priority\":\"high\"}"))
                    .isEqualTo(new ClientFrame.Publish(0, "r", tree("\"text\""), Priority.HIGH));
        }

        @Test
        void publishWithAnIdempotencyKey() {
            assertThat(parse("{\"op\":\"publish\",\"room\":\"r\",\"data\":1,\"idempotency_key\":\"3f2a-17\"}"))
                    .isEqualTo(new ClientFrame.Publish(0, "r", tree("1"), Priority.NORMAL, "3f2a-17"));
        }

        @Test
        void dataMayBeAnyJsonValueIncludingNull() {
            ClientFrame.Publish p = (ClientFrame.Publish) parse("{\"op\":\"publish\",\"room\":\"r\",\"data\":null}");
            assertThat(p.data()).isEqualTo(NullNode.getInstance());
            assertThat(((ClientFrame.Publish) parse("{\"op\":\"publish\",\"room\":\"r\",\"data\":[1,2]}")).data())
                    .isEqualTo(tree("[1,2]"));
            assertThat(((ClientFrame.Publish) parse("{\"op\":\"publish\",\"room\":\"r\",\"data\":false}")).data())
                    .isEqualTo(tree("false"));
        }

        @Test
        void send() {
            assertThat(parse("{\"op\":\"send\",\"id\":5,\"user\":\"alice\",\"data\":{\"hi\":1},\"priority\":\"critical\"}"))
                    .isEqualTo(new ClientFrame.Send(5, "alice", tree("{\"hi\":1}"), Priority.CRITICAL));
        }

        @Test
        void broadcast() {
            assertThat(parse("{\"op\":\"broadcast\",\"id\":6,\"data\":{\"x\":true},\"priority\":\"low\"}"))
                    .isEqualTo(new ClientFrame.Broadcast(6, tree("{\"x\":true}"), Priority.LOW));
        }

        @Test
        void presence() {
            assertThat(parse("{\"op\":\"presence\",\"id\":7,\"room\":\"lobby\"}"))
                    .isEqualTo(new ClientFrame.Presence(7, "lobby"));
        }

        @Test
        void historyWithoutOptions() {
            assertThat(parse("{\"op\":\"history\",\"id\":8,\"room\":\"chat\"}"))
                    .isEqualTo(new ClientFrame.History(8, "chat", null, 0));
        }

        @Test
        void historyWithSinceAndLimit() {
            assertThat(parse("{\"op\":\"history\",\"id\":8,\"room\":\"chat\",\"since\":{\"epoch\":\"e\",\"offset\":3},\"limit\":10}"))
                    .isEqualTo(new ClientFrame.History(8, "chat", new StreamPosition("e", 3), 10));
        }

        @Test
        void ping() {
            assertThat(parse("{\"op\":\"ping\",\"id\":9}")).isEqualTo(new ClientFrame.Ping(9));
            assertThat(parse("{\"op\":\"ping\"}")).isEqualTo(new ClientFrame.Ping(0));
        }

        @Test
        void refreshOfTheConnectionOrOfARoom() {
            assertThat(parse("{\"op\":\"refresh\",\"id\":11,\"token\":\"t\"}")).isEqualTo(new ClientFrame.Refresh(11, "t", null));
            assertThat(parse("{\"op\":\"refresh\",\"id\":12,\"token\":\"t\",\"room\":\"user:42\"}"))
                    .isEqualTo(new ClientFrame.Refresh(12, "t", "user:42"));
            assertThat(refused("{\"op\":\"refresh\",\"token\":\"t\",\"room\":\"a b\"}").code()).isEqualTo(ErrorCode.BAD_REQUEST);
        }

        @Test
        void unknownOpIsCustomWithTheWholeFrame() {
            String json = "{\"op\":\"chat.typing\",\"id\":10,\"room\":\"not validated here\",\"x\":[1]}";
            assertThat(parse(json)).isEqualTo(new ClientFrame.Custom(10, "chat.typing", object(json)));
        }

        @Test
        void explicitNullPriorityIsNormal() {
            assertThat(((ClientFrame.Broadcast) parse("{\"op\":\"broadcast\",\"data\":1,\"priority\":null}")).priority())
                    .isEqualTo(Priority.NORMAL);
        }

        @ParameterizedTest
        @EnumSource(Priority.class)
        void everyPriorityByItsWireName(Priority p) {
            ClientFrame f = parse("{\"op\":\"send\",\"user\":\"u\",\"data\":1,\"priority\":\"" + p.wireName() + "\"}");
            assertThat(((ClientFrame.Send) f).priority()).isEqualTo(p);
        }

        @Test
        void isProtocolOp() {
            for (String op : new String[] {"subscribe", "unsubscribe", "publish", "send", "broadcast", "presence", "history", "ping"}) {
                assertThat(FrameParser.isProtocolOp(op)).as(op).isTrue();
            }
            assertThat(FrameParser.isProtocolOp("reply")).isFalse();
            assertThat(FrameParser.isProtocolOp("chat.typing")).isFalse();
        }
    }

    @Nested
    class RequestIds {
        @Test
        void absentIdIsZero() {
            assertThat(parse("{\"op\":\"ping\"}").id()).isZero();
        }

        @ParameterizedTest
        @ValueSource(longs = {1, 42, 2_147_483_648L, Long.MAX_VALUE})
        void positiveIntegersAreKept(long id) {
            assertThat(parse("{\"op\":\"ping\",\"id\":" + id + "}").id()).isEqualTo(id);
        }

        @ParameterizedTest
        @ValueSource(strings = {"0", "-1", "1.5", "1.0", "1e3", "\"7\"", "true", "[1]", "{}", "9223372036854775808"})
        void anythingElseIsABadRequestNamingTheId(String id) {
            ProtocolException e = refused("{\"op\":\"ping\",\"id\":" + id + "}");
            assertThat(e.code()).isEqualTo(ErrorCode.BAD_REQUEST);
            assertThat(e.getMessage()).contains("'id'");
            assertThat(e.requestId()).as("an unreadable id is not echoed").isZero();
        }
    }

    static Stream<Arguments> badFrames() {
        String longRoom = "r".repeat(Names.MAX_ROOM_LENGTH + 1);
        return Stream.of(
                // what the client sent, a word the message must contain, the request id it must carry
                Arguments.of("{\"op\":", "malformed JSON", 0L),
                Arguments.of("not json", "malformed JSON", 0L),
                Arguments.of("{\"op\":\"ping\"} trailing", "malformed JSON", 0L),
                Arguments.of("{\"op\":\"ping\"}{\"op\":\"ping\"}", "malformed JSON", 0L),
                Arguments.of("", "empty", 0L),
                Arguments.of("[1,2]", "object", 0L),
                Arguments.of("\"ping\"", "object", 0L),
                Arguments.of("42", "object", 0L),
                Arguments.of("null", "object", 0L),
                Arguments.of("{}", "'op'", 0L),
                Arguments.of("{\"id\":1}", "'op'", 1L),
                Arguments.of("{\"id\":1,\"op\":null}", "'op'", 1L),
                Arguments.of("{\"id\":1,\"op\":5}", "'op'", 1L),
                Arguments.of("{\"id\":1,\"op\":{\"name\":\"ping\"}}", "'op'", 1L),
                // room
                Arguments.of("{\"id\":2,\"op\":\"subscribe\"}", "'room'", 2L),
                Arguments.of("{\"id\":2,\"op\":\"subscribe\",\"room\":7}", "'room'", 2L),
                Arguments.of("{\"id\":2,\"op\":\"subscribe\",\"room\":[\"a\"]}", "'room'", 2L),
                Arguments.of("{\"id\":2,\"op\":\"subscribe\",\"room\":null}", "'room'", 2L),
                Arguments.of("{\"id\":2,\"op\":\"subscribe\",\"room\":\"\"}", "room", 2L),
                Arguments.of("{\"id\":2,\"op\":\"subscribe\",\"room\":\"" + longRoom + "\"}", "room", 2L),
                Arguments.of("{\"id\":2,\"op\":\"subscribe\",\"room\":\"a b\"}", "room", 2L),
                Arguments.of("{\"id\":2,\"op\":\"subscribe\",\"room\":\"a#b\"}", "room", 2L),
                Arguments.of("{\"id\":2,\"op\":\"unsubscribe\"}", "'room'", 2L),
                Arguments.of("{\"id\":2,\"op\":\"unsubscribe\",\"room\":\"x*\"}", "room", 2L),
                Arguments.of("{\"id\":2,\"op\":\"publish\",\"data\":1}", "'room'", 2L),
                Arguments.of("{\"id\":2,\"op\":\"presence\"}", "'room'", 2L),
                Arguments.of("{\"id\":2,\"op\":\"presence\",\"room\":true}", "'room'", 2L),
                Arguments.of("{\"id\":2,\"op\":\"history\"}", "'room'", 2L),
                Arguments.of("{\"id\":2,\"op\":\"history\",\"room\":\"caf\u00e9\"}", "room", 2L),
                // data
                Arguments.of("{\"id\":3,\"op\":\"publish\",\"room\":\"r\"}", "'data'", 3L),
                Arguments.of("{\"id\":3,\"op\":\"send\",\"user\":\"u\"}", "'data'", 3L),
                Arguments.of("{\"id\":3,\"op\":\"broadcast\"}", "'data'", 3L),
                // user
                Arguments.of("{\"id\":4,\"op\":\"send\",\"data\":1}", "'user'", 4L),
                Arguments.of("{\"id\":4,\"op\":\"send\",\"user\":5,\"data\":1}", "'user'", 4L),
                Arguments.of("{\"id\":4,\"op\":\"send\",\"user\":null,\"data\":1}", "'user'", 4L),
                Arguments.of("{\"id\":4,\"op\":\"send\",\"user\":\"\",\"data\":1}", "user", 4L),
                Arguments.of("{\"id\":4,\"op\":\"send\",\"user\":\"" + "u".repeat(201) + "\",\"data\":1}", "user", 4L),
                // priority
                Arguments.of("{\"id\":5,\"op\":\"publish\",\"room\":\"r\",\"data\":1,\"priority\":\"urgent\"}", "priority", 5L),
                Arguments.of("{\"id\":5,\"op\":\"publish\",\"room\":\"r\",\"data\":1,\"priority\":\"HIGH\"}", "priority", 5L),
                Arguments.of("{\"id\":5,\"op\":\"send\",\"user\":\"u\",\"data\":1,\"priority\":2}", "'priority'", 5L),
                Arguments.of("{\"id\":5,\"op\":\"broadcast\",\"data\":1,\"priority\":\"\"}", "priority", 5L),
                // idempotency_key
                Arguments.of("{\"id\":8,\"op\":\"publish\",\"room\":\"r\",\"data\":1,\"idempotency_key\":\"\"}", "idempotency_key", 8L),
                Arguments.of("{\"id\":8,\"op\":\"publish\",\"room\":\"r\",\"data\":1,\"idempotency_key\":\"a b\"}", "idempotency_key", 8L),
                Arguments.of("{\"id\":8,\"op\":\"publish\",\"room\":\"r\",\"data\":1,\"idempotency_key\":7}", "idempotency_key", 8L),
                Arguments.of("{\"id\":8,\"op\":\"publish\",\"room\":\"r\",\"data\":1,\"idempotency_key\":\"" + "k".repeat(129) + "\"}",
                        "idempotency_key", 8L),
                // since
                Arguments.of("{\"id\":6,\"op\":\"subscribe\",\"room\":\"r\",\"since\":5}", "'since'", 6L),
                Arguments.of("{\"id\":6,\"op\":\"subscribe\",\"room\":\"r\",\"since\":\"e:5\"}", "'since'", 6L),
                Arguments.of("{\"id\":6,\"op\":\"subscribe\",\"room\":\"r\",\"since\":[]}", "'since'", 6L),
                Arguments.of("{\"id\":6,\"op\":\"subscribe\",\"room\":\"r\",\"since\":{\"offset\":1}}", "'since.epoch'", 6L),
                Arguments.of("{\"id\":6,\"op\":\"subscribe\",\"room\":\"r\",\"since\":{\"epoch\":1,\"offset\":1}}", "'since.epoch'", 6L),
                Arguments.of("{\"id\":6,\"op\":\"subscribe\",\"room\":\"r\",\"since\":{\"epoch\":\"e\"}}", "'since.offset'", 6L),
                Arguments.of("{\"id\":6,\"op\":\"subscribe\",\"room\":\"r\",\"since\":{\"epoch\":\"e\",\"offset\":-1}}", "'since.offset'", 6L),
                Arguments.of("{\"id\":6,\"op\":\"subscribe\",\"room\":\"r\",\"since\":{\"epoch\":\"e\",\"offset\":1.5}}", "'since.offset'", 6L),
                Arguments.of("{\"id\":6,\"op\":\"subscribe\",\"room\":\"r\",\"since\":{\"epoch\":\"e\",\"offset\":\"3\"}}", "'since.offset'", 6L),
                Arguments.of("{\"id\":6,\"op\":\"history\",\"room\":\"r\",\"since\":{\"epoch\":\"e\",\"offset\":null}}", "'since.offset'", 6L),
                // limit
                Arguments.of("{\"id\":7,\"op\":\"history\",\"room\":\"r\",\"limit\":0}", "'limit'", 7L),
                Arguments.of("{\"id\":7,\"op\":\"history\",\"room\":\"r\",\"limit\":-3}", "'limit'", 7L),
                Arguments.of("{\"id\":7,\"op\":\"history\",\"room\":\"r\",\"limit\":2.5}", "'limit'", 7L),
                Arguments.of("{\"id\":7,\"op\":\"history\",\"room\":\"r\",\"limit\":\"10\"}", "'limit'", 7L),
                Arguments.of("{\"id\":7,\"op\":\"history\",\"room\":\"r\",\"limit\":3000000000}", "'limit'", 7L));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("badFrames")
    void badFramesAreBadRequestsThatNameTheProblem(String json, String mentions, long requestId) {
        ProtocolException e = refused(json);
        assertThat(e.code()).isEqualTo(ErrorCode.BAD_REQUEST);
        assertThat(e.getMessage()).contains(mentions);
        assertThat(e.requestId()).isEqualTo(requestId);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, Names.MAX_ROOM_LENGTH})
    void roomNamesAtTheLengthLimitsAreAccepted(int length) {
        String room = "a".repeat(length);
        assertThat(parse("{\"op\":\"subscribe\",\"room\":\"" + room + "\"}")).isEqualTo(new ClientFrame.Subscribe(0, room, null));
    }

    @Test
    void namespacedRoomWithEveryAllowedCharacter() {
        String room = "ns:Room_1-2.3@host/sub";
        assertThat(parse("{\"op\":\"unsubscribe\",\"room\":\"" + room + "\"}")).isEqualTo(new ClientFrame.Unsubscribe(0, room));
    }

    @Test
    void parsingDoesNotConsumeTheBuffer() {
        ByteBuf buf = bytes(Encoding.JSON, "{\"op\":\"ping\",\"id\":1}");
        int readable = buf.readableBytes();
        FrameParser.parse(Encoding.JSON, buf);
        assertThat(buf.readableBytes()).isEqualTo(readable);
        assertThat(buf.refCnt()).as("the caller keeps ownership").isEqualTo(1);
        buf.release();
    }

    @Test
    void invalidUtf8IsMalformedJson() {
        ByteBuf buf = Unpooled.wrappedBuffer(new byte[] {'{', '"', 'o', (byte) 0xff, '"', ':', '1', '}'});
        ProtocolException e = catchThrowableOfType(ProtocolException.class, () -> FrameParser.parse(Encoding.JSON, buf));
        assertThat(e.code()).isEqualTo(ErrorCode.BAD_REQUEST);
        assertThat(e.getMessage()).startsWith("malformed JSON");
    }

    @Nested
    class MessagePack {
        static Stream<String> frames() {
            return Stream.of(
                    "{\"op\":\"subscribe\",\"id\":1,\"room\":\"prices\",\"since\":{\"epoch\":\"e1\",\"offset\":57}}",
                    "{\"op\":\"unsubscribe\",\"id\":2,\"room\":\"prices\"}",
                    "{\"op\":\"publish\",\"id\":3,\"room\":\"r\",\"data\":{\"a\":[1,2.5,\"x\",null,true],\"big\":9007199254740993},\"priority\":\"high\"}",
                    "{\"op\":\"send\",\"id\":4,\"user\":\"alice\",\"data\":\"hi\"}",
                    "{\"op\":\"broadcast\",\"data\":{}}",
                    "{\"op\":\"presence\",\"id\":6,\"room\":\"lobby\"}",
                    "{\"op\":\"history\",\"id\":7,\"room\":\"chat\",\"limit\":5}",
                    "{\"op\":\"ping\",\"id\":8}",
                    "{\"op\":\"app.custom\",\"id\":9,\"payload\":[1,{\"k\":\"v\"}]}");
        }

        @ParameterizedTest
        @MethodSource("frames")
        void parsesIdenticallyToJson(String json) {
            ClientFrame fromJson = parse(json);
            ClientFrame fromMsgpack = FrameParser.parse(Encoding.MSGPACK, bytes(Encoding.MSGPACK, json));
            assertThat(fromMsgpack).isEqualTo(fromJson);
        }

        @ParameterizedTest
        @MethodSource("io.wscluster.codec.FrameParserTest#badFrames")
        void badFramesFailIdenticallyToJson(String json, String mentions, long requestId) {
            com.fasterxml.jackson.databind.JsonNode tree;
            try {
                tree = Encoding.JSON.mapper().reader()
                        .with(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS).readTree(json);
            } catch (Exception notJson) {
                return; // malformed JSON has no MessagePack twin
            }
            if (tree == null || tree.isMissingNode()) {
                return;
            }
            ProtocolException e = catchThrowableOfType(ProtocolException.class,
                    () -> FrameParser.parse(Encoding.MSGPACK, bytes(Encoding.MSGPACK, json)));
            assertThat(e).isNotNull();
            assertThat(e.code()).isEqualTo(ErrorCode.BAD_REQUEST);
            assertThat(e.getMessage()).contains(mentions);
            assertThat(e.requestId()).isEqualTo(requestId);
        }

        @ParameterizedTest(name = "[{index}] {0}")
        @ValueSource(strings = {
                "c1",       // a byte MessagePack never uses
                "82",       // a map of two entries, then nothing
                "81a26f",   // a map whose key string is cut short
                "81a26f70", // a map with a key and no value
                ""})
        void malformedMessagePackIsABadRequest(String hex) {
            ByteBuf buf = Unpooled.wrappedBuffer(io.netty.buffer.ByteBufUtil.decodeHexDump(hex));
            ProtocolException e = catchThrowableOfType(ProtocolException.class, () -> FrameParser.parse(Encoding.MSGPACK, buf));
            assertThat(e).as("0x%s must be refused with a ProtocolException", hex).isNotNull();
            assertThat(e.code()).isEqualTo(ErrorCode.BAD_REQUEST);
        }

        @Test
        void nonMapIsRefused() {
            ByteBuf buf = Unpooled.wrappedBuffer(new byte[] {0x05});
            ProtocolException e = catchThrowableOfType(ProtocolException.class, () -> FrameParser.parse(Encoding.MSGPACK, buf));
            assertThat(e.code()).isEqualTo(ErrorCode.BAD_REQUEST);
            assertThat(e.getMessage()).contains("object");
        }

        @Test
        void jsonTextIsNotMessagePack() {
            ByteBuf buf = Unpooled.copiedBuffer("{\"op\":\"ping\"}", StandardCharsets.UTF_8);
            ProtocolException e = catchThrowableOfType(ProtocolException.class, () -> FrameParser.parse(Encoding.MSGPACK, buf));
            assertThat(e).isNotNull();
            assertThat(e.code()).isEqualTo(ErrorCode.BAD_REQUEST);
        }
    }

    @Test
    void treeEntryPointRefusesMissingNode() {
        ProtocolException e = catchThrowableOfType(ProtocolException.class,
                () -> FrameParser.parse(com.fasterxml.jackson.databind.node.MissingNode.getInstance()));
        assertThat(e.code()).isEqualTo(ErrorCode.BAD_REQUEST);
        e = catchThrowableOfType(ProtocolException.class, () -> FrameParser.parse((com.fasterxml.jackson.databind.JsonNode) null));
        assertThat(e.code()).isEqualTo(ErrorCode.BAD_REQUEST);
    }
}

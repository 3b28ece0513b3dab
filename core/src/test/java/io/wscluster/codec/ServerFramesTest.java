package io.wscluster.codec;

import static io.wscluster.testsupport.Wire.json;
import static io.wscluster.testsupport.Wire.tree;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import io.wscluster.protocol.ErrorCode;
import io.wscluster.protocol.Priority;
import io.wscluster.protocol.ProtocolException;
import io.wscluster.protocol.ReconnectReason;
import io.wscluster.protocol.StreamPosition;

/** Every server frame encodes to the exact JSON of protocol.md, field for field and in that order. */
class ServerFramesTest {
    static final long TS = 1764250000123L;

    static Message roomMessage() {
        return new Message(Message.Target.ROOM, "prices", null, "e1", 58, Payload.of(tree("{}")), "alice", TS, Priority.NORMAL);
    }

    @Test
    void welcome() {
        assertThat(json(ServerFrames.welcome("7f3c9a", "node-1", "alice", 25000, false)))
                .isEqualTo("{\"op\":\"welcome\",\"session\":\"7f3c9a\",\"node\":\"node-1\",\"user\":\"alice\",\"ping_ms\":25000,"
                        + "\"resumed\":false}");
    }

    @Test
    void welcomeOfAnAnonymousUserCarriesANullUser() {
        // protocol.md does not say; the field stays present (null) so clients can test for anonymity.
        assertThat(json(ServerFrames.welcome("s1", "node-1", null, 25000, true)))
                .isEqualTo("{\"op\":\"welcome\",\"session\":\"s1\",\"node\":\"node-1\",\"user\":null,\"ping_ms\":25000,"
                        + "\"resumed\":true}");
    }

    @Test
    void welcomeToAClientWhoseSessionIdWasNotItsSaysWhy() {
        assertThat(json(ServerFrames.welcome("s2", "node-1", null, 25000, false, "not yours")))
                .isEqualTo("{\"op\":\"welcome\",\"session\":\"s2\",\"node\":\"node-1\",\"user\":null,\"ping_ms\":25000,"
                        + "\"resumed\":false,\"session_refused\":\"not yours\"}");
    }

    @Test
    void subscribed() {
        assertThat(json(ServerFrames.subscribed(1, "prices", new StreamPosition("e1", 58), true)))
                .isEqualTo("{\"op\":\"subscribed\",\"id\":1,\"room\":\"prices\",\"epoch\":\"e1\",\"offset\":58,\"recovered\":true}");
        assertThat(json(ServerFrames.subscribed(0, "prices", new StreamPosition("e1", 0), false)))
                .isEqualTo("{\"op\":\"subscribed\",\"room\":\"prices\",\"epoch\":\"e1\",\"offset\":0,\"recovered\":false}");
    }

    @Test
    void unsubscribed() {
        assertThat(json(ServerFrames.unsubscribed(2, "prices"))).isEqualTo("{\"op\":\"unsubscribed\",\"id\":2,\"room\":\"prices\"}");
        assertThat(json(ServerFrames.unsubscribed(0, "prices"))).isEqualTo("{\"op\":\"unsubscribed\",\"room\":\"prices\"}");
        assertThat(json(ServerFrames.unsubscribed("user:42", "subscription token expired")))
                .isEqualTo("{\"op\":\"unsubscribed\",\"room\":\"user:42\",\"reason\":\"subscription token expired\"}");
    }

    @Test
    void refreshed() {
        assertThat(json(ServerFrames.refreshed(5, null, 1764250000000L))).isEqualTo("{\"op\":\"refreshed\",\"id\":5,\"expires_at\":1764250000000}");
        assertThat(json(ServerFrames.refreshed(6, "user:42", 0))).isEqualTo("{\"op\":\"refreshed\",\"id\":6,\"room\":\"user:42\"}");
    }

    @Nested
    class Ack {
        @Test
        void roomPublishCarriesTheOffset() {
            assertThat(json(ServerFrames.ack(3, 58))).isEqualTo("{\"op\":\"ack\",\"id\":3,\"offset\":58}");
        }

        @Test
        void sendAndBroadcastCarryNoOffset() {
            assertThat(json(ServerFrames.ack(3, -1))).isEqualTo("{\"op\":\"ack\",\"id\":3}");
        }

        @Test
        void idOnlyWhenPositive() {
            assertThat(json(ServerFrames.ack(0, 1))).isEqualTo("{\"op\":\"ack\",\"offset\":1}");
        }
    }

    @Test
    void presence() {
        assertThat(json(ServerFrames.presence(4, "lobby", List.of("alice", "bob"), 3)))
                .isEqualTo("{\"op\":\"presence\",\"id\":4,\"room\":\"lobby\",\"users\":[\"alice\",\"bob\"],\"connections\":3}");
        assertThat(json(ServerFrames.presence(0, "lobby", List.of(), 0)))
                .isEqualTo("{\"op\":\"presence\",\"room\":\"lobby\",\"users\":[],\"connections\":0}");
    }

    @Test
    void historyHoldsMessageFramesOldestFirst() {
        Message m1 = roomMessage().at("e1", 57);
        Message m2 = roomMessage().at("e1", 58);
        assertThat(json(ServerFrames.history(5, "prices", new StreamPosition("e1", 58), List.of(m1, m2))))
                .isEqualTo("{\"op\":\"history\",\"id\":5,\"room\":\"prices\",\"epoch\":\"e1\",\"offset\":58,\"messages\":["
                        + "{\"op\":\"message\",\"room\":\"prices\",\"epoch\":\"e1\",\"offset\":57,\"data\":{},\"from\":\"alice\",\"ts\":1764250000123},"
                        + "{\"op\":\"message\",\"room\":\"prices\",\"epoch\":\"e1\",\"offset\":58,\"data\":{},\"from\":\"alice\",\"ts\":1764250000123}]}");
        assertThat(json(ServerFrames.history(0, "prices", new StreamPosition("e1", 0), List.of())))
                .isEqualTo("{\"op\":\"history\",\"room\":\"prices\",\"epoch\":\"e1\",\"offset\":0,\"messages\":[]}");
    }

    @Test
    void pong() {
        assertThat(json(ServerFrames.pong(6))).isEqualTo("{\"op\":\"pong\",\"id\":6}");
        assertThat(json(ServerFrames.pong(0))).isEqualTo("{\"op\":\"pong\"}");
    }

    @Test
    void reply() {
        assertThat(json(ServerFrames.reply(7, tree("{\"ok\":[1,2]}")))).isEqualTo("{\"op\":\"reply\",\"id\":7,\"data\":{\"ok\":[1,2]}}");
    }

    @Test
    void error() {
        assertThat(json(ServerFrames.error(3, ErrorCode.FORBIDDEN, "no publish permission on room 'prices'")))
                .isEqualTo("{\"op\":\"error\",\"id\":3,\"code\":\"forbidden\",\"message\":\"no publish permission on room 'prices'\"}");
    }

    @Test
    void errorFromAnExceptionCarriesItsIdCodeAndMessage() {
        ProtocolException e = new ProtocolException(ErrorCode.UNAVAILABLE, "bus down", 9);
        assertThat(json(ServerFrames.error(e))).isEqualTo("{\"op\":\"error\",\"id\":9,\"code\":\"unavailable\",\"message\":\"bus down\"}");
        assertThat(json(ServerFrames.error(ProtocolException.badRequest("malformed JSON: x"))))
                .isEqualTo("{\"op\":\"error\",\"code\":\"bad_request\",\"message\":\"malformed JSON: x\"}");
    }

    @ParameterizedTest
    @EnumSource(ErrorCode.class)
    void everyErrorCodeByItsWireName(ErrorCode code) {
        assertThat(tree(json(ServerFrames.error(1, code, "m"))).get("code").textValue()).isEqualTo(code.wireName());
    }

    @Test
    void reconnect() {
        assertThat(json(ServerFrames.reconnect(ReconnectReason.DRAIN, "ws://10.0.0.7:8080/ws", 250)))
                .isEqualTo("{\"op\":\"reconnect\",\"reason\":\"drain\",\"url\":\"ws://10.0.0.7:8080/ws\",\"after_ms\":250}");
        assertThat(json(ServerFrames.reconnect(ReconnectReason.SHUTDOWN, null, 0)))
                .isEqualTo("{\"op\":\"reconnect\",\"reason\":\"shutdown\",\"after_ms\":0}");
    }

    @Test
    void reconnectReasonsAreTheFiveOfTheContract() {
        assertThat(List.of(ReconnectReason.values()).stream().map(ReconnectReason::wireName))
                .containsExactly("drain", "rebalance", "failover", "shutdown", "isolated");
    }

    @Nested
    class MessageFrames {
        @Test
        void toARoom() {
            assertThat(json(roomMessage()))
                    .isEqualTo("{\"op\":\"message\",\"room\":\"prices\",\"epoch\":\"e1\",\"offset\":58,\"data\":{},\"from\":\"alice\",\"ts\":1764250000123}");
        }

        @Test
        void toAUser() {
            Message m = new Message(Message.Target.USER, null, "alice", null, 0, Payload.of(tree("{}")), "bob", TS, Priority.HIGH);
            assertThat(json(m)).isEqualTo("{\"op\":\"message\",\"user\":\"alice\",\"data\":{},\"from\":\"bob\",\"ts\":1764250000123}");
        }

        @Test
        void toEveryone() {
            Message m = new Message(Message.Target.BROADCAST, null, null, null, 0, Payload.of(tree("{}")), "ops", TS, Priority.CRITICAL);
            assertThat(json(m)).isEqualTo("{\"op\":\"message\",\"broadcast\":true,\"data\":{},\"from\":\"ops\",\"ts\":1764250000123}");
        }

        @Test
        void fromIsOmittedWhenNull() {
            Message m = new Message(Message.Target.BROADCAST, null, null, null, 0, Payload.of(tree("[1,\"x\"]")), null, TS, Priority.NORMAL);
            assertThat(json(m)).isEqualTo("{\"op\":\"message\",\"broadcast\":true,\"data\":[1,\"x\"],\"ts\":1764250000123}");
            assertThat(json(roomMessage().at("e2", 1)).contains("from")).isTrue();
            Message anonymousRoom = new Message(Message.Target.ROOM, "r", null, "e", 1, Payload.of(tree("null")), null, TS, Priority.NORMAL);
            assertThat(json(anonymousRoom)).isEqualTo("{\"op\":\"message\",\"room\":\"r\",\"epoch\":\"e\",\"offset\":1,\"data\":null,\"ts\":1764250000123}");
        }

        @Test
        void factoriesStampTheAcceptTimeAndLeaveThePositionUnset() {
            long before = System.currentTimeMillis();
            Message m = Message.toRoom("r", Payload.of(tree("1")), "alice", Priority.NORMAL);
            long after = System.currentTimeMillis();
            assertThat(m.ts()).isBetween(before, after);
            assertThat(m.epoch()).isNull();
            assertThat(m.offset()).isZero();
            Message placed = m.at("e9", 12);
            assertThat(placed).isEqualTo(new Message(Message.Target.ROOM, "r", null, "e9", 12, Payload.of(tree("1")), "alice", m.ts(), Priority.NORMAL));
            assertThat(Message.toUser("u", Payload.of(tree("1")), null, Priority.LOW).target()).isEqualTo(Message.Target.USER);
            assertThat(Message.toAll(Payload.of(tree("1")), null, Priority.LOW).target()).isEqualTo(Message.Target.BROADCAST);
        }
    }
}

package io.wscluster.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.wscluster.codec.Message;
import io.wscluster.codec.Payload;
import io.wscluster.protocol.Priority;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class MessageCodecTest {

    @ParameterizedTest
    @ValueSource(strings = {"1", "-12.5e3", "true", "false", "null", "\"\"", "\"a \\\"quoted\\\" }, text\"",
            "\"é€😀\"", "{}", "[]", "{\"a\":[1,{\"b\":\"}\"}],\"c\":null}", "[[],[{}],\"]\"]"})
    void theDataComesBackAsTheSameText(String data) {
        Message m = Message.toRoom("r", Payload.ofJson(data), "alice", Priority.HIGH).at("e", 7);
        Message back = MessageCodec.decodePlaced("e|7|" + MessageCodec.encode(m));
        assertThat(back).isEqualTo(m);
        assertThat(back.data().json()).isEqualTo(data);
    }

    @Test
    void readsAnOlderNodesFieldOrderSpacesAndUnknownFields() {
        String older = "{ \"k\" : 1 , \"u\" : \"bob\" , \"d\" : { \"x\" : [ 1 , 2 ] } , \"f\" : null , \"new\" : {\"z\":1} , \"t\" : 5 , \"p\" : 3 }";
        Message m = MessageCodec.decode(older, null, 0);
        assertThat(m.target()).isEqualTo(Message.Target.USER);
        assertThat(m.user()).isEqualTo("bob");
        assertThat(m.from()).isNull();
        assertThat(m.ts()).isEqualTo(5);
        assertThat(m.priority()).isEqualTo(Priority.values()[3]);
        assertThat(m.data().json()).isEqualTo("{ \"x\" : [ 1 , 2 ] }");
        assertThat(m.data().tree().path("x").get(1).asInt()).isEqualTo(2);
    }

    @Test
    void aMessageWithoutDataIsRefused() {
        assertThatThrownBy(() -> MessageCodec.decode("{\"k\":0,\"r\":\"r\",\"t\":1,\"p\":1}", "e", 1))
                .isInstanceOf(IllegalArgumentException.class);
    }
}

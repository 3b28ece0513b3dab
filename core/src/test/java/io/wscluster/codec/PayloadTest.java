package io.wscluster.codec;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.wscluster.testsupport.Wire;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import io.wscluster.protocol.Priority;

class PayloadTest {

    @Test
    void aTreeIsSerialisedOnceAndCountedInUtf8() {
        ObjectNode data = JsonNodeFactory.instance.objectNode();
        data.put("name", "é€😀"); // 2, 3 and 4 bytes in UTF-8
        data.putArray("list").add(1).add(true);
        Payload p = Payload.of(data);
        assertThat(p.json()).isEqualTo(data.toString());
        assertThat(p.utf8Length()).isEqualTo(data.toString().getBytes(StandardCharsets.UTF_8).length);
        assertThat(p.tree()).isEqualTo(data);
    }

    @Test
    void theTextIsParsedOnlyWhenAskedAndOnce() {
        Payload p = Payload.ofJson("{\"key\" : \"a\"}");
        assertThat(p.tree()).isSameAs(p.tree());
        assertThat(p.tree().get("key").asText()).isEqualTo("a");
    }

    @Test
    void jsonConnectionsGetTheTextAsItCameAndMessagePackOnesTheSameValue() {
        Message m = Message.toRoom("r", Payload.ofJson("{\"b\" : [1, 2.50]}"), null, Priority.NORMAL).at("e", 1);
        ByteBuf json = Encoding.JSON.encode(UnpooledByteBufAllocator.DEFAULT, m);
        ByteBuf msgpack = Encoding.MSGPACK.encode(UnpooledByteBufAllocator.DEFAULT, m);
        try {
            assertThat(json.toString(StandardCharsets.UTF_8)).contains("\"data\":{\"b\" : [1, 2.50]}");
            assertThat(Wire.decode(Encoding.MSGPACK, msgpack)).isEqualTo(Wire.decode(Encoding.JSON, json));
        } finally {
            json.release();
            msgpack.release();
        }
    }
}

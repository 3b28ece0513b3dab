package io.wscluster.loadtest;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.netty.buffer.ByteBuf;
import io.wscluster.codec.Encoding;
import java.io.IOException;

/**
 * The fields of a server frame the generator needs, read with a streaming parser that skips
 * everything else: a delivery costs one pass over its bytes and no tree. One instance per event
 * loop thread, reused for every frame.
 */
final class Inbound {
    private static final ThreadLocal<Inbound> PER_THREAD = ThreadLocal.withInitial(Inbound::new);

    String op;
    long id;
    String room;
    String epoch;
    long offset = -1;
    long stamp = -1;
    boolean recovered;
    String code;
    String session;
    private byte[] scratch = new byte[4096];

    static Inbound parse(Encoding encoding, ByteBuf content) throws IOException {
        Inbound in = PER_THREAD.get();
        in.read(encoding.mapper().getFactory(), content);
        return in;
    }

    private void read(JsonFactory factory, ByteBuf content) throws IOException {
        op = null;
        id = 0;
        room = null;
        epoch = null;
        offset = -1;
        stamp = -1;
        recovered = false;
        code = null;
        session = null;
        int length = content.readableBytes();
        if (scratch.length < length) {
            scratch = new byte[Math.max(length, scratch.length * 2)];
        }
        content.getBytes(content.readerIndex(), scratch, 0, length);
        try (JsonParser p = factory.createParser(scratch, 0, length)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new IOException("frame is not an object");
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                switch (field) {
                    case "op": op = p.getText(); break;
                    case "id": id = p.getLongValue(); break;
                    case "room": room = p.getText(); break;
                    case "epoch": epoch = p.getText(); break;
                    case "offset": offset = p.getLongValue(); break;
                    case "recovered": recovered = value == JsonToken.VALUE_TRUE; break;
                    case "code": code = p.getText(); break;
                    case "session": session = p.getText(); break;
                    case "data": readStamp(p, value); break;
                    default: p.skipChildren();
                }
            }
        }
    }

    /** The generator's own messages carry {@code {"t": micros, ...}}; anything else has no stamp. */
    private void readStamp(JsonParser p, JsonToken value) throws IOException {
        if (value != JsonToken.START_OBJECT) {
            p.skipChildren();
            return;
        }
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken v = p.nextToken();
            if ("t".equals(field) && v.isNumeric()) {
                stamp = p.getLongValue();
            } else {
                p.skipChildren();
            }
        }
    }
}

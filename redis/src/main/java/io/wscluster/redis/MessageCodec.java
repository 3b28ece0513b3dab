package io.wscluster.redis;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.wscluster.protocol.Message;
import io.wscluster.protocol.Priority;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * A message as it crosses Redis: compact JSON of what a receiving node needs to rebuild it. A room
 * message's epoch and offset are assigned inside Redis and travel in front of the JSON, as
 * {@code epoch|offset|json}.
 */
final class MessageCodec {
    private static final ObjectMapper JSON = new ObjectMapper();

    private MessageCodec() {
    }

    static String encode(Message m) {
        ObjectNode o = JSON.createObjectNode();
        o.put("k", m.target().ordinal());
        if (m.room() != null) {
            o.put("r", m.room());
        }
        if (m.user() != null) {
            o.put("u", m.user());
        }
        o.set("d", m.data());
        if (m.from() != null) {
            o.put("f", m.from());
        }
        o.put("t", m.ts());
        o.put("p", m.priority().ordinal());
        return o.toString();
    }

    static Message decode(String json, String epoch, long offset) {
        JsonNode o;
        try {
            o = JSON.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException("bad message from the bus", e);
        }
        return new Message(Message.Target.values()[o.path("k").asInt()], text(o, "r"), text(o, "u"), epoch, offset,
                o.path("d"), text(o, "f"), o.path("t").asLong(), Priority.values()[o.path("p").asInt()]);
    }

    /** Decodes {@code epoch|offset|json}, the form a room message is published in. */
    static Message decodePlaced(String envelope) {
        int a = envelope.indexOf('|');
        int b = envelope.indexOf('|', a + 1);
        return decode(envelope.substring(b + 1), envelope.substring(0, a), Long.parseLong(envelope.substring(a + 1, b)));
    }

    private static String text(JsonNode o, String field) {
        JsonNode v = o.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }
}

package io.wscluster.redis;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.wscluster.codec.Message;
import io.wscluster.codec.Payload;
import io.wscluster.protocol.Priority;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;

/**
 * A message as it crosses Redis: compact JSON of what a receiving node needs to rebuild it. A room
 * message's epoch and offset are assigned inside Redis and travel in front of the JSON, as
 * {@code epoch|offset|json}. The data ({@code d}) is written last and read back as text: a
 * receiving node reads the few fields around it and keeps the data's JSON as it came, without
 * building a tree of it ({@link Payload}).
 */
final class MessageCodec {
    private static final JsonFactory JSON = new JsonFactory();

    private MessageCodec() {
    }

    static String encode(Message m) {
        String data = m.data().json();
        StringWriter out = new StringWriter(80 + data.length());
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeNumberField("k", m.target().ordinal());
            if (m.room() != null) {
                g.writeStringField("r", m.room());
            }
            if (m.user() != null) {
                g.writeStringField("u", m.user());
            }
            if (m.from() != null) {
                g.writeStringField("f", m.from());
            }
            g.writeNumberField("t", m.ts());
            g.writeNumberField("p", m.priority().ordinal());
            g.writeFieldName("d");
            g.writeRawValue(data);
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("could not encode a message for the bus", e);
        }
        return out.toString();
    }

    /** Reads the fields in any order (an older node wrote {@code d} before others); unknown fields are skipped. */
    static Message decode(String json, String epoch, long offset) {
        int kind = -1;
        int priority = Priority.NORMAL.ordinal();
        String room = null;
        String user = null;
        String from = null;
        long ts = 0;
        Payload data = null;
        try (JsonParser p = JSON.createParser(json)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new IllegalArgumentException("a bus message must be an object");
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                switch (field) {
                    case "k" -> kind = p.getIntValue();
                    case "r" -> room = text(p, value);
                    case "u" -> user = text(p, value);
                    case "f" -> from = text(p, value);
                    case "t" -> ts = p.getLongValue();
                    case "p" -> priority = p.getIntValue();
                    case "d" -> data = Payload.ofJson(valueText(p, json));
                    default -> p.skipChildren();
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("bad message from the bus", e);
        }
        if (kind < 0 || data == null) {
            throw new IllegalArgumentException("a bus message without its kind or data");
        }
        return new Message(Message.Target.values()[kind], room, user, epoch, offset, data, from, ts, Priority.values()[priority]);
    }

    /** Decodes {@code epoch|offset|json}, the form a room message is published in. */
    static Message decodePlaced(String envelope) {
        int a = envelope.indexOf('|');
        int b = envelope.indexOf('|', a + 1);
        return decode(envelope.substring(b + 1), envelope.substring(0, a), Long.parseLong(envelope.substring(a + 1, b)));
    }

    private static String text(JsonParser p, JsonToken value) throws IOException {
        return value == JsonToken.VALUE_NULL ? null : p.getText();
    }

    /** The text of the value the parser stands on, as it is in {@code json}; leaves the parser after it. */
    private static String valueText(JsonParser p, String json) throws IOException {
        int start = (int) p.currentTokenLocation().getCharOffset();
        if (p.currentToken().isStructStart()) {
            p.skipChildren();
        } else {
            p.finishToken();
        }
        return json.substring(start, (int) p.currentLocation().getCharOffset());
    }
}

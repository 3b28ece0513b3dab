package io.wscluster.codec;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufInputStream;
import java.io.IOException;
import io.wscluster.protocol.Names;
import io.wscluster.protocol.Priority;
import io.wscluster.protocol.ProtocolException;
import io.wscluster.protocol.StreamPosition;

/**
 * Turns the bytes of one client frame into a {@link ClientFrame}, or throws a
 * {@link ProtocolException} with {@code bad_request} that names the problem and carries the request
 * id when it could be read. Stateless and thread-safe.
 */
public final class FrameParser {
    private FrameParser() {
    }

    private static final java.util.Set<String> PROTOCOL_OPS = java.util.Set.of(
            "subscribe", "unsubscribe", "publish", "send", "broadcast", "presence", "history", "ping", "refresh");

    /** True for the ops protocol.md defines, which applications cannot take over. */
    public static boolean isProtocolOp(String op) {
        return PROTOCOL_OPS.contains(op);
    }

    public static ClientFrame parse(Encoding encoding, ByteBuf bytes) {
        JsonNode tree;
        try {
            tree = reader(encoding).readTree((java.io.InputStream) new ByteBufInputStream(bytes.duplicate()));
        } catch (JacksonException e) {
            throw ProtocolException.badRequest("malformed " + encoding.label() + ": " + whatIsWrong(e));
        } catch (org.msgpack.core.MessagePackException e) {
            // msgpack-core reports some malformed input (never-used bytes, cut-short values) unchecked.
            boolean cut = e instanceof org.msgpack.core.MessageInsufficientBufferException;
            throw ProtocolException.badRequest("malformed " + encoding.label() + ": " + (cut ? "the frame ends inside a value" : "not a valid value"));
        } catch (IOException e) {
            throw ProtocolException.badRequest("unreadable frame");
        }
        return parse(tree);
    }

    /**
     * What is wrong, in our words: the parser's own messages name its classes and settings and
     * describe its source.
     */
    private static String whatIsWrong(JacksonException e) {
        if (e instanceof com.fasterxml.jackson.core.exc.StreamConstraintsException) {
            return "a value is too long or too deeply nested";
        }
        if (e instanceof com.fasterxml.jackson.core.io.JsonEOFException || e.getOriginalMessage().startsWith("Unexpected end-of-input")) {
            return "the frame ends inside a value";
        }
        if (e.getOriginalMessage().startsWith("Trailing token")) {
            return "more than one value in the frame";
        }
        com.fasterxml.jackson.core.JsonLocation at = e.getLocation();
        String where = at != null && at.getColumnNr() > 0 ? " at line " + at.getLineNr() + ", column " + at.getColumnNr() : "";
        return (e instanceof com.fasterxml.jackson.core.JsonParseException ? "unexpected input" : "not a valid value") + where;
    }

    /**
     * A frame is exactly one value: for JSON, anything after it is malformed. (The MessagePack parser
     * reports the end of input as an error, so trailing bytes cannot be checked the same way there.)
     */
    private static final ObjectReader JSON_READER =
            Encoding.JSON.mapper().reader().with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private static ObjectReader reader(Encoding encoding) {
        return encoding == Encoding.JSON ? JSON_READER : encoding.mapper().reader();
    }

    public static ClientFrame parse(JsonNode tree) {
        if (tree == null || tree.isMissingNode()) {
            throw ProtocolException.badRequest("empty frame");
        }
        if (!tree.isObject()) {
            throw ProtocolException.badRequest("a frame must be an object");
        }
        long id = requestId(tree);
        try {
            return parseOp((ObjectNode) tree, id);
        } catch (ProtocolException e) {
            throw e.withRequestId(id);
        }
    }

    private static ClientFrame parseOp(ObjectNode f, long id) {
        String op = requiredString(f, "op");
        switch (op) {
            case "subscribe":
                return new ClientFrame.Subscribe(id, room(f), since(f), optionalString(f, "token"));
            case "unsubscribe":
                return new ClientFrame.Unsubscribe(id, room(f));
            case "publish":
                return new ClientFrame.Publish(id, room(f), data(f), priority(f), idempotencyKey(f));
            case "send":
                return new ClientFrame.Send(id, Names.requireUser(requiredString(f, "user")), data(f), priority(f));
            case "broadcast":
                return new ClientFrame.Broadcast(id, data(f), priority(f));
            case "presence":
                return new ClientFrame.Presence(id, room(f));
            case "history":
                return new ClientFrame.History(id, room(f), since(f), limit(f));
            case "ping":
                return new ClientFrame.Ping(id);
            case "refresh":
                return new ClientFrame.Refresh(id, requiredString(f, "token"), f.hasNonNull("room") ? room(f) : null);
            default:
                return new ClientFrame.Custom(id, op, f);
        }
    }

    private static long requestId(JsonNode f) {
        JsonNode id = f.get("id");
        if (id == null || id.isNull()) {
            return 0;
        }
        if (!id.isIntegralNumber() || !id.canConvertToLong() || id.asLong() <= 0) {
            throw ProtocolException.badRequest("'id' must be a positive integer");
        }
        return id.asLong();
    }

    private static String room(JsonNode f) {
        JsonNode room = f.get("room");
        if (room != null && !room.isTextual()) {
            throw ProtocolException.badRequest("'room' must be a string");
        }
        return Names.requireRoom(room == null ? null : room.textValue());
    }

    private static JsonNode data(JsonNode f) {
        JsonNode data = f.get("data");
        if (data == null) {
            throw ProtocolException.badRequest("missing field 'data'");
        }
        return data;
    }

    private static Priority priority(JsonNode f) {
        JsonNode p = f.get("priority");
        if (p == null || p.isNull()) {
            return Priority.NORMAL;
        }
        if (!p.isTextual()) {
            throw ProtocolException.badRequest("'priority' must be a string");
        }
        return Priority.parse(p.textValue());
    }

    private static StreamPosition since(JsonNode f) {
        JsonNode since = f.get("since");
        if (since == null || since.isNull()) {
            return null;
        }
        if (!since.isObject()) {
            throw ProtocolException.badRequest("'since' must be an object {\"epoch\": e, \"offset\": n}");
        }
        JsonNode epoch = since.get("epoch");
        JsonNode offset = since.get("offset");
        if (epoch == null || !epoch.isTextual()) {
            throw ProtocolException.badRequest("'since.epoch' must be a string");
        }
        if (offset == null || !offset.isIntegralNumber() || !offset.canConvertToLong() || offset.asLong() < 0) {
            throw ProtocolException.badRequest("'since.offset' must be a non-negative integer");
        }
        return new StreamPosition(epoch.textValue(), offset.asLong());
    }

    private static int limit(JsonNode f) {
        JsonNode limit = f.get("limit");
        if (limit == null || limit.isNull()) {
            return 0;
        }
        if (!limit.isIntegralNumber() || !limit.canConvertToInt() || limit.asInt() <= 0) {
            throw ProtocolException.badRequest("'limit' must be a positive integer");
        }
        return limit.asInt();
    }

    /** The optional {@code idempotency_key}: 1 to {@value Names#MAX_IDEMPOTENCY_KEY} printable ASCII characters. */
    private static String idempotencyKey(JsonNode f) {
        String key = optionalString(f, "idempotency_key");
        if (key != null && !Names.isIdempotencyKey(key)) {
            throw ProtocolException.badRequest("idempotency_key must be 1 to " + Names.MAX_IDEMPOTENCY_KEY
                    + " printable ASCII characters");
        }
        return key;
    }

    private static String optionalString(JsonNode f, String field) {
        JsonNode v = f.get(field);
        return v == null || v.isNull() ? null : requiredString(f, field);
    }

    private static String requiredString(JsonNode f, String field) {
        JsonNode v = f.get(field);
        if (v == null || v.isNull()) {
            throw ProtocolException.badRequest("missing field '" + field + "'");
        }
        if (!v.isTextual()) {
            throw ProtocolException.badRequest("'" + field + "' must be a string");
        }
        return v.textValue();
    }
}

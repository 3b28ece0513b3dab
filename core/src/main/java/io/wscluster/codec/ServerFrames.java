package io.wscluster.codec;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.Collection;
import java.util.List;
import io.wscluster.protocol.ErrorCode;
import io.wscluster.protocol.ProtocolException;
import io.wscluster.protocol.ReconnectReason;
import io.wscluster.protocol.StreamPosition;

/** Factories for every frame the server sends except {@code message} (see {@link Message}). */
public final class ServerFrames {
    private ServerFrames() {
    }

    /** {@code resumed}: the session's rooms are being subscribed again from its record (the client asked with {@code ?session=}). */
    public static OutboundFrame welcome(String session, String node, String user, long pingMillis, boolean resumed) {
        return welcome(session, node, user, pingMillis, resumed, null);
    }

    /** {@code sessionRefused}: why the {@code ?session=} the client asked for was not its to take; null: omitted. */
    public static OutboundFrame welcome(String session, String node, String user, long pingMillis, boolean resumed,
                                        String sessionRefused) {
        return g -> {
            g.writeStartObject();
            g.writeStringField("op", "welcome");
            g.writeStringField("session", session);
            g.writeStringField("node", node);
            g.writeStringField("user", user);
            g.writeNumberField("ping_ms", pingMillis);
            g.writeBooleanField("resumed", resumed);
            if (sessionRefused != null) {
                g.writeStringField("session_refused", sessionRefused);
            }
            g.writeEndObject();
        };
    }

    public static OutboundFrame subscribed(long id, String room, StreamPosition position, boolean recovered) {
        return g -> {
            start(g, "subscribed", id);
            g.writeStringField("room", room);
            g.writeStringField("epoch", position.epoch());
            g.writeNumberField("offset", position.offset());
            g.writeBooleanField("recovered", recovered);
            g.writeEndObject();
        };
    }

    /**
     * A live subscription's stream does not follow on from what this connection was sent: messages
     * up to {@code at} may be missing (see protocol.md); {@code recovered} is false, and no id.
     */
    public static OutboundFrame restarted(String room, StreamPosition at, String reason) {
        return g -> {
            start(g, "subscribed", 0);
            g.writeStringField("room", room);
            g.writeStringField("epoch", at.epoch());
            g.writeNumberField("offset", at.offset());
            g.writeBooleanField("recovered", false);
            g.writeStringField("reason", reason);
            g.writeEndObject();
        };
    }

    /**
     * Messages sent to this connection's user ({@code of} = {@code user}) or broadcast ({@code
     * broadcast}) between the two times may not have reached it (an addition; see protocol.md).
     */
    public static OutboundFrame directGap(String of, long fromMillis, long toMillis) {
        return g -> {
            start(g, "direct_gap", 0);
            g.writeStringField("of", of);
            g.writeNumberField("from_ts", fromMillis);
            g.writeNumberField("to_ts", toMillis);
            g.writeEndObject();
        };
    }

    public static OutboundFrame unsubscribed(long id, String room) {
        return g -> {
            start(g, "unsubscribed", id);
            g.writeStringField("room", room);
            g.writeEndObject();
        };
    }

    /**
     * The node ended this connection's subscription of {@code room} on its own, for {@code reason}
     * (a subscription token expired, a refreshed token no longer grants the room): no request id.
     */
    public static OutboundFrame unsubscribed(String room, String reason) {
        return g -> {
            start(g, "unsubscribed", 0);
            g.writeStringField("room", room);
            g.writeStringField("reason", reason);
            g.writeEndObject();
        };
    }

    /**
     * The answer to {@code refresh}: the connection (with {@code room} null) or its subscription of
     * {@code room} now lives until {@code expiresAtMillis} (0: no expiry).
     */
    public static OutboundFrame refreshed(long id, String room, long expiresAtMillis) {
        return g -> {
            start(g, "refreshed", id);
            if (room != null) {
                g.writeStringField("room", room);
            }
            if (expiresAtMillis > 0) {
                g.writeNumberField("expires_at", expiresAtMillis);
            }
            g.writeEndObject();
        };
    }

    /** An ack; {@code offset} is written only for room publishes (pass a negative value otherwise). */
    public static OutboundFrame ack(long id, long offset) {
        return g -> {
            start(g, "ack", id);
            if (offset >= 0) {
                g.writeNumberField("offset", offset);
            }
            g.writeEndObject();
        };
    }

    /**
     * Messages of {@code room} with offsets {@code from} to {@code to} (of {@code epoch}) were held
     * back for this connection, which read too slowly, and some or all of them were dropped (the
     * namespace's overflow policy): the client reads them with {@code history} since
     * {@code from - 1}, or subscribes again with that {@code since}.
     */
    public static OutboundFrame gap(String room, String epoch, long from, long to) {
        return g -> {
            start(g, "gap", 0);
            g.writeStringField("room", room);
            g.writeStringField("epoch", epoch);
            g.writeNumberField("from", from);
            g.writeNumberField("to", to);
            g.writeEndObject();
        };
    }

    public static OutboundFrame presence(long id, String room, Collection<String> users, int connections) {
        return g -> {
            start(g, "presence", id);
            g.writeStringField("room", room);
            g.writeArrayFieldStart("users");
            for (String u : users) {
                g.writeString(u);
            }
            g.writeEndArray();
            g.writeNumberField("connections", connections);
            g.writeEndObject();
        };
    }

    public static OutboundFrame history(long id, String room, StreamPosition latest, List<Message> messages) {
        return g -> {
            start(g, "history", id);
            g.writeStringField("room", room);
            g.writeStringField("epoch", latest.epoch());
            g.writeNumberField("offset", latest.offset());
            g.writeArrayFieldStart("messages");
            for (Message m : messages) {
                m.writeTo(g);
            }
            g.writeEndArray();
            g.writeEndObject();
        };
    }

    public static OutboundFrame pong(long id) {
        return g -> {
            start(g, "pong", id);
            g.writeEndObject();
        };
    }

    /** The reply to an application-defined op: {@code {"op":"reply","id":i,"data":...}}. */
    public static OutboundFrame reply(long id, JsonNode data) {
        return g -> {
            start(g, "reply", id);
            g.writeFieldName("data");
            g.writeTree(data);
            g.writeEndObject();
        };
    }

    public static OutboundFrame error(long id, ErrorCode code, String message) {
        return g -> {
            start(g, "error", id);
            g.writeStringField("code", code.wireName());
            g.writeStringField("message", message);
            g.writeEndObject();
        };
    }

    public static OutboundFrame error(ProtocolException e) {
        return error(e.requestId(), e.code(), e.getMessage());
    }

    /** Asks the client to reconnect: to {@code url} when not null, after {@code afterMillis}. */
    public static OutboundFrame reconnect(ReconnectReason reason, String url, long afterMillis) {
        return g -> {
            g.writeStartObject();
            g.writeStringField("op", "reconnect");
            g.writeStringField("reason", reason.wireName());
            if (url != null) {
                g.writeStringField("url", url);
            }
            g.writeNumberField("after_ms", afterMillis);
            g.writeEndObject();
        };
    }

    private static void start(JsonGenerator g, String op, long id) throws IOException {
        g.writeStartObject();
        g.writeStringField("op", op);
        if (id > 0) {
            g.writeNumberField("id", id);
        }
    }
}

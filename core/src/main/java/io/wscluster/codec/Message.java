package io.wscluster.codec;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.util.Objects;
import io.wscluster.protocol.Priority;

/**
 * One message on its way to subscribers: to a room, to a user, or to everyone. A room message gets
 * its {@code epoch} and {@code offset} from the bus when it is accepted; until then they are null and
 * 0. {@code from} is the sender's user id, or null for anonymous and server-side senders. {@code ts}
 * is the accept time in epoch milliseconds. {@code data} travels as JSON text ({@link Payload}). Immutable.
 */
public record Message(Target target, String room, String user, String epoch, long offset,
                      Payload data, String from, long ts, Priority priority) implements OutboundFrame {

    /** Where a message goes. */
    public enum Target { ROOM, USER, BROADCAST }

    public Message {
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(data, "data");
        Objects.requireNonNull(priority, "priority");
        if (target == Target.ROOM) {
            Objects.requireNonNull(room, "room");
        }
        if (target == Target.USER) {
            Objects.requireNonNull(user, "user");
        }
    }

    public static Message toRoom(String room, Payload data, String from, Priority priority) {
        return new Message(Target.ROOM, room, null, null, 0, data, from, System.currentTimeMillis(), priority);
    }

    public static Message toUser(String user, Payload data, String from, Priority priority) {
        return new Message(Target.USER, null, user, null, 0, data, from, System.currentTimeMillis(), priority);
    }

    public static Message toAll(Payload data, String from, Priority priority) {
        return new Message(Target.BROADCAST, null, null, null, 0, data, from, System.currentTimeMillis(), priority);
    }

    /** This room message placed in its room's stream. */
    public Message at(String epoch, long offset) {
        return new Message(target, room, user, epoch, offset, data, from, ts, priority);
    }

    @Override
    public void writeTo(JsonGenerator g) throws IOException {
        g.writeStartObject();
        g.writeStringField("op", "message");
        switch (target) {
            case ROOM:
                g.writeStringField("room", room);
                g.writeStringField("epoch", epoch);
                g.writeNumberField("offset", offset);
                break;
            case USER:
                g.writeStringField("user", user);
                break;
            case BROADCAST:
                g.writeBooleanField("broadcast", true);
                break;
            default:
                throw new IllegalStateException("unknown target " + target);
        }
        g.writeFieldName("data");
        data.writeTo(g);
        if (from != null) {
            g.writeStringField("from", from);
        }
        g.writeNumberField("ts", ts);
        g.writeEndObject();
    }
}

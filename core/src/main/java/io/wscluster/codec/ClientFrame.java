package io.wscluster.codec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.wscluster.protocol.Priority;
import io.wscluster.protocol.StreamPosition;

/**
 * A validated request from a client. {@code id} is the request id the reply echoes, or 0 when the
 * client sent none. Every record is built only by {@link FrameParser}, so its fields are valid.
 */
public sealed interface ClientFrame {
    long id();

    /** {@code token}: a subscription token granting the room, or null. */
    record Subscribe(long id, String room, StreamPosition since, String token) implements ClientFrame {
        public Subscribe(long id, String room, StreamPosition since) {
            this(id, room, since, null);
        }
    }

    record Unsubscribe(long id, String room) implements ClientFrame {
    }

    /** {@code idempotencyKey}: the client's key for this message, null when none (see {@link io.wscluster.protocol.Names#MAX_IDEMPOTENCY_KEY}). */
    record Publish(long id, String room, JsonNode data, Priority priority, String idempotencyKey) implements ClientFrame {
        public Publish(long id, String room, JsonNode data, Priority priority) {
            this(id, room, data, priority, null);
        }
    }

    record Send(long id, String user, JsonNode data, Priority priority) implements ClientFrame {
    }

    record Broadcast(long id, JsonNode data, Priority priority) implements ClientFrame {
    }

    record Presence(long id, String room) implements ClientFrame {
    }

    /** {@code limit} 0 means "all that is stored". */
    record History(long id, String room, StreamPosition since, int limit) implements ClientFrame {
    }

    record Ping(long id) implements ClientFrame {
    }

    /**
     * A new token before the current one expires: with {@code room} null, a connection token for the
     * same user; with a room, a subscription token for that room, which the connection holds.
     */
    record Refresh(long id, String token, String room) implements ClientFrame {
    }

    /** An op the protocol does not define, for an application handler to take or refuse. */
    record Custom(long id, String op, ObjectNode frame) implements ClientFrame {
    }
}

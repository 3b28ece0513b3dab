package io.wscluster.client;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * The server's frames as the SDK's public types: the one place that knows their fields, so the
 * application sees no JSON tree and the SDK can change how it reads frames without changing its API.
 */
final class Replies {
    private Replies() {
    }

    static Subscribed subscribed(JsonNode f) {
        return new Subscribed(f.path("room").asText(), f.path("epoch").asText(), f.path("offset").asLong(),
                f.path("recovered").asBoolean(false));
    }

    static Presence presence(JsonNode f) {
        List<String> users = new ArrayList<>();
        f.path("users").forEach(u -> users.add(u.asText()));
        return new Presence(f.path("room").asText(), users, f.path("connections").asInt());
    }

    static History history(JsonNode f, JsonCodec codec) {
        List<RoomMessage> messages = new ArrayList<>();
        f.path("messages").forEach(m -> messages.add(message(m, codec)));
        return new History(f.path("room").asText(), f.path("epoch").asText(), f.path("offset").asLong(), messages);
    }

    /** A {@code message} frame of a room. */
    static RoomMessage message(JsonNode f, JsonCodec codec) {
        return new RoomMessage(f.path("room").asText(), f.path("epoch").asText(), f.path("offset").asLong(), data(f),
                f.path("from").asText(null), f.path("ts").asLong(), codec);
    }

    /** A {@code message} frame to a user or to everyone. */
    static DirectMessage direct(JsonNode f, JsonCodec codec) {
        String user = f.path("broadcast").asBoolean(false) ? null : f.path("user").asText(null);
        return new DirectMessage(user, data(f), f.path("from").asText(null), f.path("ts").asLong(), codec);
    }

    /** The {@code data} as JSON text: written back from the tree, which keeps every value as sent. */
    private static String data(JsonNode f) {
        JsonNode data = f.get("data");
        return data == null ? "null" : data.toString();
    }
}

package io.wscluster.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The rooms one client is subscribed to and where each stands: its handler and the epoch and offset
 * of the last message handed to it. That position is what a resubscription asks {@code since} and
 * what duplicates are dropped below, so a handler sees each message once, in order, across
 * reconnects. Used on the client's event loop only.
 */
final class Subscriptions {
    /** Where a subscription is: its handler and the last message handed to it. */
    private static final class Room {
        final Consumer<RoomMessage> handler;
        String epoch;
        long offset = -1;

        Room(Consumer<RoomMessage> handler) {
            this.handler = handler;
        }
    }

    private final Map<String, Room> rooms = new LinkedHashMap<>();
    private long duplicatesDropped;

    /** Subscribes {@code room} anew: a previous handler and position of that room are dropped. */
    void add(String room, Consumer<RoomMessage> handler) {
        rooms.put(room, new Room(handler));
    }

    void remove(String room) {
        rooms.remove(room);
    }

    boolean contains(String room) {
        return rooms.containsKey(room);
    }

    /** The rooms, in the order they were subscribed; a copy, so the caller may change the subscriptions meanwhile. */
    List<String> rooms() {
        return List.copyOf(rooms.keySet());
    }

    /** Adds {@code since} the room's position to a {@code subscribe} frame, once the room has one. */
    ObjectNode since(String room, ObjectNode subscribe) {
        Room r = rooms.get(room);
        if (r != null && r.epoch != null) {
            subscribe.putObject("since").put("epoch", r.epoch).put("offset", r.offset);
        }
        return subscribe;
    }

    /**
     * Takes the server's {@code subscribed} reply. Returns what it means for a room that had a
     * position ({@link ClientEvent.Type#RESUBSCRIBED} when the server replays from there, {@link
     * ClientEvent.Type#GAP} when its history no longer reaches back), or null for a first subscription.
     */
    ClientEvent.Type subscribed(JsonNode f) {
        Room r = rooms.get(f.path("room").asText());
        if (r == null) {
            return null;
        }
        boolean recovered = f.path("recovered").asBoolean(false);
        ClientEvent.Type meaning = r.epoch == null ? null : recovered ? ClientEvent.Type.RESUBSCRIBED : ClientEvent.Type.GAP;
        if (r.epoch == null || !recovered) {
            // A fresh start: messages after the room's latest offset follow.
            r.epoch = f.path("epoch").asText();
            r.offset = f.path("offset").asLong();
        }
        return meaning;
    }

    /** Hands a room message to its room's handler, unless the handler had it already (at or below its position). */
    void deliver(JsonNode f) {
        Room r = rooms.get(f.get("room").asText());
        if (r == null) {
            return;
        }
        String epoch = f.path("epoch").asText();
        long offset = f.path("offset").asLong();
        if (epoch.equals(r.epoch) && offset <= r.offset) {
            duplicatesDropped++;
            return;
        }
        r.epoch = epoch;
        r.offset = offset;
        r.handler.accept(new RoomMessage(f.get("room").asText(), epoch, offset, f.get("data"), f.path("from").asText(null),
                f.path("ts").asLong()));
    }

    long duplicatesDropped() {
        return duplicatesDropped;
    }
}

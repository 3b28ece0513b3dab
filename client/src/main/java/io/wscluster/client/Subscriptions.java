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
 *
 * <p>A {@code gap} frame (the server dropped messages it held back for this slow client) moves
 * only where a resubscription asks from, not the duplicate mark: the server may still deliver, after
 * the frame, messages of the range it names that it kept (the newest of each key under {@code
 * latest-per-key}), and those are new to the handler. Worked example: the handler had offset 10;
 * {@code gap 11..40}; then 38 (kept), 41, 42 are handed on; a reconnect after 38 asks since 40, not
 * since 38 nor 10, so the dropped ones are not asked for again, and 41 on come once.
 */
final class Subscriptions {
    /** Where a subscription is: its handler, the last message handed to it, and the last offset a gap dropped. */
    private static final class Room {
        final Consumer<RoomMessage> handler;
        String epoch;
        long offset = -1;
        /** The highest offset of {@code epoch} a {@code gap} frame said was dropped, or -1: a resubscription asks since no earlier. */
        long dropped = -1;

        Room(Consumer<RoomMessage> handler) {
            this.handler = handler;
        }
    }

    private final Map<String, Room> rooms = new LinkedHashMap<>();
    private final JsonCodec codec;
    private long duplicatesDropped;

    /** @param codec what the handed-on messages decode their data with */
    Subscriptions(JsonCodec codec) {
        this.codec = codec;
    }

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
            subscribe.putObject("since").put("epoch", r.epoch).put("offset", Math.max(r.offset, r.dropped));
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
            r.dropped = -1; // a rewound stream's offsets name other messages: an earlier gap says nothing of them
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
        if (!epoch.equals(r.epoch)) {
            r.dropped = -1;
        }
        r.epoch = epoch;
        r.offset = offset;
        r.handler.accept(Replies.message(f, codec));
    }

    /**
     * Takes the server's {@code gap} frame: messages {@code from} to {@code to} of the room's epoch
     * {@code epoch} were dropped for this client. A resubscription no longer asks for them; messages
     * after them are handed on as usual. Returns what was lost, or null when the room is not
     * subscribed (it was unsubscribed meanwhile: nothing to tell).
     */
    ClientEvent.Lost gap(JsonNode f) {
        Room r = rooms.get(f.path("room").asText());
        if (r == null) {
            return null;
        }
        String epoch = f.path("epoch").asText();
        long from = f.path("from").asLong();
        long to = f.path("to").asLong();
        if (epoch.equals(r.epoch)) {
            r.dropped = Math.max(r.dropped, to);
        } else {
            // The room's stream went on in an epoch this client had no message of (all of them were
            // dropped): follow it, as a message of that epoch would be followed. What came before
            // the gap in it can no longer reach this client.
            r.epoch = epoch;
            r.offset = from - 1;
            r.dropped = to;
        }
        return new ClientEvent.Lost(epoch, from, to);
    }

    /**
     * Takes an {@code unsubscribed} frame without {@code id}: the server ended the room's
     * subscription by itself. Drops it and returns true, or false when the room was not subscribed.
     */
    boolean ended(JsonNode f) {
        return rooms.remove(f.path("room").asText()) != null;
    }

    long duplicatesDropped() {
        return duplicatesDropped;
    }
}

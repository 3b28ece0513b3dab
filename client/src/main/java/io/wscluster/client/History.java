package io.wscluster.client;

import java.util.List;

/**
 * A room's stored messages, oldest first.
 *
 * @param room     the room
 * @param epoch    the epoch of the room's history now: when it differs from the epoch asked
 *                 {@code since}, the messages are the current epoch's
 * @param offset   the room's latest offset
 * @param messages the messages
 */
public record History(String room, String epoch, long offset, List<RoomMessage> messages) {
    /** Keeps an unmodifiable copy of {@code messages}. */
    public History {
        messages = List.copyOf(messages);
    }
}

package io.wscluster.history;

import io.wscluster.codec.Message;
import io.wscluster.protocol.StreamPosition;
import java.util.List;

/** What a {@link HistoryStore#read} found: the room's latest position and the messages, oldest first. */
public record HistoryRead(StreamPosition latest, List<Message> messages, boolean recovered) {
    public HistoryRead {
        messages = List.copyOf(messages);
    }
}

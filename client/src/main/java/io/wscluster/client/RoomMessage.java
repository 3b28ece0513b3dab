package io.wscluster.client;

import java.util.Objects;

/**
 * A message of a room, as a handler receives it: once, in offset order within its epoch. Also the
 * messages of a {@link History}.
 */
public final class RoomMessage {
    private final String room;
    private final String epoch;
    private final long offset;
    private final String data;
    private final String from;
    private final long ts;
    private final JsonCodec codec;

    RoomMessage(String room, String epoch, long offset, String data, String from, long ts, JsonCodec codec) {
        this.room = room;
        this.epoch = epoch;
        this.offset = offset;
        this.data = data;
        this.from = from;
        this.ts = ts;
        this.codec = codec;
    }

    /** Returns the room. */
    public String room() {
        return room;
    }

    /** Returns the epoch of the room's history this message belongs to. */
    public String epoch() {
        return epoch;
    }

    /** Returns the message's offset in its epoch: 1 for the first message, strictly increasing. */
    public long offset() {
        return offset;
    }

    /** Returns the message's data as JSON text, as published. */
    public String data() {
        return data;
    }

    /**
     * The data decoded with the client's {@link JsonCodec}.
     *
     * @param type what to read it as
     * @param <T>  the type read
     * @return the data as a {@code type}
     * @throws IllegalArgumentException when the data does not read as a {@code type}
     */
    public <T> T data(Class<T> type) {
        return codec.decode(data, type);
    }

    /** Returns the publisher's user id, or null for an anonymous or server-side publisher. */
    public String from() {
        return from;
    }

    /** Returns when the cluster accepted it, in epoch milliseconds (server time). */
    public long ts() {
        return ts;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RoomMessage m && m.offset == offset && m.ts == ts && m.room.equals(room)
                && Objects.equals(m.epoch, epoch) && m.data.equals(data) && Objects.equals(m.from, from);
    }

    @Override
    public int hashCode() {
        return Objects.hash(room, epoch, offset);
    }

    @Override
    public String toString() {
        return "RoomMessage[room=" + room + ", epoch=" + epoch + ", offset=" + offset + ", from=" + from + ", ts=" + ts
                + ", data=" + data + "]";
    }
}

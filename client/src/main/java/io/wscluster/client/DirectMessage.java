package io.wscluster.client;

import java.util.Objects;

/**
 * A message sent to this client's user ({@code send}) or to everyone ({@code broadcast}), as a
 * {@link WscClient#onDirect} handler receives it. Such messages carry no offset: they are not
 * stored, and nothing replays them after a reconnect.
 */
public final class DirectMessage {
    private final String user;
    private final String data;
    private final String from;
    private final long ts;
    private final JsonCodec codec;

    DirectMessage(String user, String data, String from, long ts, JsonCodec codec) {
        this.user = user;
        this.data = data;
        this.from = from;
        this.ts = ts;
        this.codec = codec;
    }

    /** Returns the user it was sent to, or null for a broadcast. */
    public String user() {
        return user;
    }

    /** Returns whether it was broadcast to every connection of the cluster. */
    public boolean broadcast() {
        return user == null;
    }

    /** Returns the message's data as JSON text, as sent. */
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

    /** Returns the sender's user id, or null for an anonymous or server-side sender. */
    public String from() {
        return from;
    }

    /** Returns when the cluster accepted it, in epoch milliseconds (server time). */
    public long ts() {
        return ts;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DirectMessage m && m.ts == ts && Objects.equals(m.user, user) && m.data.equals(data)
                && Objects.equals(m.from, from);
    }

    @Override
    public int hashCode() {
        return Objects.hash(user, data, ts);
    }

    @Override
    public String toString() {
        return "DirectMessage[" + (user == null ? "broadcast" : "user=" + user) + ", from=" + from + ", ts=" + ts + ", data=" + data + "]";
    }
}

package io.wscluster.security;

/** What a client asks to do with a room. */
public enum RoomAction {
    SUBSCRIBE, PUBLISH, HISTORY, PRESENCE;

    /** Rights read by a token's {@code rooms} claim or a subscription token; publishing by {@code publish_rooms}. */
    public boolean reads() {
        return this != PUBLISH;
    }

    public String wireName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}

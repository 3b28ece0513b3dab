package io.wscluster.security;

import java.util.Locale;

/**
 * Who may do one thing to the rooms of a namespace: nobody (from a client), only users whose token
 * grants the room, any authenticated user, or anyone. A grant is enough wherever a level other than
 * {@link #OFF} is set: it is stronger than being authenticated.
 */
public enum RoomAccess {
    OFF, GRANTED, AUTHENTICATED, ANYONE;

    /** @param granted the connection's token, or a subscription token, grants the room */
    public boolean allows(Principal principal, boolean granted) {
        return switch (this) {
            case OFF -> false;
            case GRANTED -> granted;
            case AUTHENTICATED -> granted || !principal.anonymous();
            case ANYONE -> true;
        };
    }

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** What a refusal says the namespace allows. */
    String describe() {
        return switch (this) {
            case OFF -> "nobody";
            case GRANTED -> "only users whose token grants the room";
            case AUTHENTICATED -> "authenticated users";
            case ANYONE -> "anyone";
        };
    }

    /** @throws IllegalArgumentException naming the accepted values */
    public static RoomAccess parse(String text) {
        for (RoomAccess r : values()) {
            if (r.wireName().equals(text.trim().toLowerCase(Locale.ROOT))) {
                return r;
            }
        }
        throw new IllegalArgumentException("not one of off, granted, authenticated, anyone");
    }
}

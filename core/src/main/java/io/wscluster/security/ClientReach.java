package io.wscluster.security;

import java.util.Locale;

/**
 * Who may use a client operation that reaches beyond rooms ({@code send} to any user,
 * {@code broadcast} to everyone): nobody, clients with a verified user, or anyone.
 */
public enum ClientReach {
    OFF, AUTHENTICATED, ANYONE;

    public boolean allows(Principal principal) {
        return this == ANYONE || this == AUTHENTICATED && !principal.anonymous();
    }

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** @throws IllegalArgumentException naming the accepted values */
    public static ClientReach parse(String text) {
        for (ClientReach r : values()) {
            if (r.wireName().equals(text.trim().toLowerCase(Locale.ROOT))) {
                return r;
            }
        }
        throw new IllegalArgumentException("not one of off, authenticated, anyone");
    }
}

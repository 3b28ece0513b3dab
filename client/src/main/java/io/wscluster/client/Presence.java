package io.wscluster.client;

import java.util.List;

/**
 * Who is in a room, cluster-wide.
 *
 * @param room        the room
 * @param users       the user ids of its subscribers (anonymous ones are not listed)
 * @param connections how many connections are subscribed, anonymous ones included
 */
public record Presence(String room, List<String> users, int connections) {
    /** Keeps an unmodifiable copy of {@code users}. */
    public Presence {
        users = List.copyOf(users);
    }
}

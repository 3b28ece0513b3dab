package io.wscluster.client;

/**
 * The server's answer to a subscription: where the room's stream stands.
 *
 * @param room      the room
 * @param epoch     the epoch of the room's history
 * @param offset    the room's latest offset: live messages follow it
 * @param recovered for a subscription made again after a reconnect, whether the server replays
 *                  every message the client missed; false for a first subscription
 */
public record Subscribed(String room, String epoch, long offset, boolean recovered) {
}

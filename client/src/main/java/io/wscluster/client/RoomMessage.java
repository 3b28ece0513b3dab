package io.wscluster.client;

import com.fasterxml.jackson.databind.JsonNode;

/** A message of a room, as a handler receives it: once, in offset order within its epoch. */
public record RoomMessage(String room, String epoch, long offset, JsonNode data, String from, long ts) {
}

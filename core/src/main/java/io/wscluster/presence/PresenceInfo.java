package io.wscluster.presence;

import java.util.List;

/** A room's presence: distinct user ids, sorted, and the number of connections. */
public record PresenceInfo(List<String> users, int connections) {
    public PresenceInfo {
        users = List.copyOf(users);
    }
}

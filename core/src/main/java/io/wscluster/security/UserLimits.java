package io.wscluster.security;

import io.wscluster.options.Check;

/**
 * What one user (a token's {@code sub}; anonymous connections are not a user) may do on one node,
 * over all its connections there, so that opening more connections does not multiply what a
 * connection may do: connections at once, and messages written a second (publish, send,
 * broadcast; a burst of twice that), beyond which writes answer {@code rate_limited}.
 *
 * @param maxConnections connections one user may hold on the node; 0: no limit
 * @param publishRate    writes a second over all of them; 0: no limit
 */
public record UserLimits(int maxConnections, int publishRate) {
    public static final int DEFAULT_MAX_CONNECTIONS = 100;
    public static final int DEFAULT_PUBLISH_RATE = 200;
    public static final UserLimits DEFAULT = new UserLimits(DEFAULT_MAX_CONNECTIONS, DEFAULT_PUBLISH_RATE);
    /** No limit at all: for hubs built without configuration, and the gateway, which knows no users' connections. */
    public static final UserLimits NONE = new UserLimits(0, 0);

    /** @throws IllegalArgumentException naming the setting of a negative number */
    public UserLimits {
        Check.setting(maxConnections >= 0, "max-connections-per-user", maxConnections, "0 (no limit) or more");
        Check.setting(publishRate >= 0, "user-publish-rate", publishRate, "0 (no limit) or more");
    }
}

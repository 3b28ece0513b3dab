package io.wscluster.security;

/**
 * What one connection may do, so that no single client can take a node or Redis with it: how many
 * rooms it may be subscribed to, how many messages and bytes a second it may write (publish,
 * send, broadcast: a burst of twice that, then that rate), and how many distinct rooms a minute it
 * may make Redis keep (by subscribing, publishing or reading history), and how many requests it may
 * have awaiting an answer. A connection that goes on writing at ten times its rate after being
 * refused is closed (1008).
 *
 * @param publishRate      writes a second; 0: no limit
 * @param publishBytesRate bytes of written frames a second; 0: no limit
 * @param roomsPerMinute   distinct rooms a minute; 0: no limit
 * @param maxPending       requests other than {@code subscribe} (which {@code maxSubscriptions} bounds) awaiting an answer; 0: no limit
 */
public record ClientLimits(int maxSubscriptions, int publishRate, int publishBytesRate, int roomsPerMinute, int maxPending) {
    public static final int DEFAULT_MAX_SUBSCRIPTIONS = 500;
    public static final int DEFAULT_PUBLISH_RATE = 100;
    public static final int DEFAULT_PUBLISH_BYTES_RATE = 256 * 1024;
    /** Twice {@link #DEFAULT_MAX_SUBSCRIPTIONS}: a client may subscribe to all its rooms at once, and again after a reconnect. */
    public static final int DEFAULT_ROOMS_PER_MINUTE = 1000;
    /** Far above what an honest client pipelines (history, presence, acks of writes paced by the rate), well below a flood's depth. */
    public static final int DEFAULT_MAX_PENDING = 100;
    public static final ClientLimits DEFAULT = new ClientLimits(DEFAULT_MAX_SUBSCRIPTIONS, DEFAULT_PUBLISH_RATE, DEFAULT_PUBLISH_BYTES_RATE,
            DEFAULT_ROOMS_PER_MINUTE, DEFAULT_MAX_PENDING);
    /** No limit at all: for hubs built without configuration. */
    public static final ClientLimits NONE = new ClientLimits(Integer.MAX_VALUE, 0, 0, 0, 0);

    public ClientLimits {
        if (maxSubscriptions < 1 || publishRate < 0 || publishBytesRate < 0 || roomsPerMinute < 0 || maxPending < 0) {
            throw new IllegalArgumentException("limits must be positive (0 rates: none)");
        }
    }

    /** Whether writes are limited at all. */
    public boolean limitsWrites() {
        return publishRate > 0 || publishBytesRate > 0;
    }

    /** Whether the requests awaiting an answer are limited. */
    public boolean limitsPending() {
        return maxPending > 0;
    }

    /** Whether the rooms a connection may use a minute are limited. */
    public boolean limitsRooms() {
        return roomsPerMinute > 0;
    }
}

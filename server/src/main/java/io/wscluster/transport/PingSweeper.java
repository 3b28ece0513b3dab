package io.wscluster.transport;

import io.wscluster.hub.HubShard;
import io.wscluster.hub.RoomGrants;
import io.wscluster.protocol.CloseCode;
import java.time.Duration;

/**
 * Pings every connection of one event loop each interval and closes those silent for two
 * intervals, and those whose token has expired (1008, protocol.md); ends the rooms whose
 * subscription token has expired ({@link RoomGrants}). One periodic task per loop instead of a
 * timer per connection or subscription keeps idle connections cheap: a sweep over 20,000 sessions
 * is a tight loop of four comparisons each.
 */
final class PingSweeper implements Runnable {
    private final HubShard shard;
    private final long intervalNanos;
    private final RoomGrants grants;

    PingSweeper(HubShard shard, Duration interval, RoomGrants grants) {
        this.shard = shard;
        this.intervalNanos = interval.toNanos();
        this.grants = grants;
    }

    /** How often to sweep: often enough that a ping is at most a tenth of an interval late. */
    static Duration period(Duration interval) {
        long millis = Math.max(5, Math.min(1000, interval.toMillis() / 10));
        return Duration.ofMillis(millis);
    }

    @Override
    public void run() {
        long now = System.nanoTime();
        long nowMillis = System.currentTimeMillis();
        shard.forEachSession(s -> {
            WebSocketConnection ws = (WebSocketConnection) s.connection();
            long expires = s.principal().expiresAtMillis();
            if (expires > 0 && nowMillis >= expires) {
                ws.close(CloseCode.POLICY_VIOLATION, "token expired");
                return;
            }
            grants.expire(s, nowMillis);
            if (now - ws.lastSeenNanos >= 2 * intervalNanos) {
                ws.close(CloseCode.POLICY_VIOLATION, "no answer to pings for two intervals");
            } else if (now - ws.lastPingNanos >= intervalNanos) {
                ws.ping();
            }
        });
    }
}

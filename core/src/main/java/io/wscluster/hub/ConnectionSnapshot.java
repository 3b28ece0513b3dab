package io.wscluster.hub;

/**
 * One session as an operator sees it, taken on its loop: who, from where, since when, and how far
 * behind its client reads ({@code queuedBytes} waiting for the socket, {@code blockedMillis} since
 * the socket last took everything, {@code heldMessages} held back for it by drop policies).
 */
public record ConnectionSnapshot(String session, String user, String remote, String encoding, long openedAtMillis,
                                 long queuedBytes, long blockedMillis, long bytesSent, int rooms, int heldMessages) {
    static ConnectionSnapshot of(Session s, long nowNanos) {
        Connection c = s.connection();
        long blockedSince = c.blockedSinceNanos();
        return new ConnectionSnapshot(s.id(), s.userId(), c.remoteAddress(), s.encoding().subprotocol(), s.openedAtMillis,
                c.queuedBytes(), blockedSince == 0 ? 0 : (nowNanos - blockedSince) / 1_000_000, c.bytesSent(),
                s.subscriptions == null ? 0 : s.subscriptions.size(), s.backlog == null ? 0 : s.backlog.size());
    }
}

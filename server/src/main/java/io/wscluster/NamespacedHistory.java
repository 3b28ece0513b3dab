package io.wscluster;

import io.wscluster.history.HistoryLimits;
import io.wscluster.history.HistoryOptions;
import io.wscluster.security.Namespace;
import io.wscluster.security.RoomPolicy;
import java.time.Duration;

/** History kept per room as its namespace says, else as the node's {@code history-size}, {@code history-ttl} and {@code history-max-bytes}. */
final class NamespacedHistory implements HistoryLimits {
    private final RoomPolicy rooms;
    private final HistoryOptions node;

    private NamespacedHistory(RoomPolicy rooms, HistoryOptions node) {
        this.rooms = rooms;
        this.node = node;
    }

    /** The limits of {@code options}: uniform unless a namespace sets its own. */
    static HistoryLimits of(NodeOptions options) {
        RoomPolicy rooms = options.security().roomPolicy();
        boolean perNamespace = rooms.namespaces().stream()
                .anyMatch(n -> n.historySize() != null || n.historyTtl() != null || n.historyMaxBytes() != null);
        return perNamespace ? new NamespacedHistory(rooms, options.history()) : options.history().limits();
    }

    @Override
    public int size(String room) {
        Integer size = rooms.namespaceOf(room).historySize();
        return size != null ? size : node.size();
    }

    @Override
    public Duration ttl(String room) {
        Namespace ns = rooms.namespaceOf(room);
        return ns.historyTtl() != null ? ns.historyTtl() : node.ttl();
    }

    @Override
    public int maxBytes(String room) {
        Integer maxBytes = rooms.namespaceOf(room).historyMaxBytes();
        return maxBytes != null ? maxBytes : node.maxBytes();
    }
}

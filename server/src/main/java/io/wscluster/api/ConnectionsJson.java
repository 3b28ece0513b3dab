package io.wscluster.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.wscluster.hub.ConnectionSnapshot;
import io.wscluster.metrics.ConnectionMemory;
import java.util.Comparator;
import java.util.List;

/** {@code GET /api/connections/top} as JSON. */
final class ConnectionsJson {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Furthest behind first: most bytes waiting, then longest blocked, then most held back. */
    static final Comparator<ConnectionSnapshot> BEHIND = Comparator.comparingLong(ConnectionSnapshot::queuedBytes)
            .thenComparingLong(ConnectionSnapshot::blockedMillis).thenComparingInt(ConnectionSnapshot::heldMessages).reversed();

    private ConnectionsJson() {
    }

    static ObjectNode top(String nodeId, List<ConnectionSnapshot> all, int limit, ConnectionMemory.Shares memory) {
        long now = System.currentTimeMillis();
        ObjectNode out = JSON.createObjectNode().put("node", nodeId).put("connections", all.size());
        out.put("queued_bytes", all.stream().mapToLong(ConnectionSnapshot::queuedBytes).sum());
        out.put("blocked_connections", all.stream().filter(c -> c.blockedMillis() > 0).count());
        ObjectNode mem = out.putObject("memory");
        mem.put("heap_used_bytes", Math.round(memory.heapUsedBytes()))
                .put("heap_per_connection_bytes", Math.round(memory.heapPerConnection()))
                .put("direct_bytes", Math.round(memory.directBytes()))
                .put("direct_per_connection_bytes", Math.round(memory.directPerConnection()));
        if (memory.kernelBytesPerSocket() < 0) {
            mem.putNull("kernel_per_connection_bytes").putNull("kernel_bytes");
        } else {
            mem.put("kernel_per_connection_bytes", Math.round(memory.kernelBytesPerSocket()))
                    .put("kernel_bytes", Math.round(memory.kernelBytes()));
        }
        ArrayNode top = out.putArray("top");
        all.stream().sorted(BEHIND).limit(limit).forEach(c -> top.addObject()
                .put("session", c.session()).put("user", c.user()).put("remote", c.remote()).put("encoding", c.encoding())
                .put("opened_at", c.openedAtMillis()).put("age_seconds", (now - c.openedAtMillis()) / 1000)
                .put("queued_bytes", c.queuedBytes()).put("blocked_ms", c.blockedMillis()).put("held_messages", c.heldMessages())
                .put("bytes_sent", c.bytesSent()).put("rooms", c.rooms()));
        return out;
    }
}

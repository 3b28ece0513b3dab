package io.wscluster.hub;

import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.wscluster.bus.Bus;
import io.wscluster.history.HistoryOptions;
import io.wscluster.metrics.NodeMetrics;
import io.wscluster.presence.PresenceStore;
import io.wscluster.security.Authorizer;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/** What a {@link Hub} is built from. Immutable; {@link #builder()} fills the optional parts. */
public record HubConfig(String nodeId, long pingMillis, Bus bus, PresenceStore presence, SessionRecords records,
                        Authorizer authorizer, HubHooks hooks, Map<String, OpHandler> ops, NodeMetrics metrics,
                        ByteBufAllocator alloc, int recentPerRoom, long recentBudget) {
    /** The ping interval announced in {@code welcome}; the transport's default is this one. */
    public static final Duration DEFAULT_PING_INTERVAL = Duration.ofSeconds(25);

    public HubConfig {
        Objects.requireNonNull(nodeId, "nodeId");
        Objects.requireNonNull(bus, "bus");
        Objects.requireNonNull(presence, "presence");
        Objects.requireNonNull(metrics, "metrics");
        records = records == null ? SessionRecords.NONE : records;
        authorizer = authorizer == null ? Authorizer.ALLOW_ALL : authorizer;
        hooks = hooks == null ? HubHooks.NONE : hooks;
        ops = ops == null ? Map.of() : Map.copyOf(ops);
        alloc = alloc == null ? PooledByteBufAllocator.DEFAULT : alloc;
        if (recentPerRoom < 0 || recentBudget < 0) {
            throw new IllegalArgumentException("recent frames must be 0 (none) or more, got " + recentPerRoom + " per room and "
                    + recentBudget + " in all");
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    public static final class Builder {
        private String nodeId;
        private Duration ping = DEFAULT_PING_INTERVAL;
        private Bus bus;
        private PresenceStore presence;
        private SessionRecords records;
        private Authorizer authorizer;
        private HubHooks hooks;
        private Map<String, OpHandler> ops;
        private NodeMetrics metrics;
        private ByteBufAllocator alloc;
        private int recentPerRoom = HistoryOptions.DEFAULT.recoveryCachePerRoom();
        private long recentBudget = HistoryOptions.DEFAULT_RECOVERY_CACHE;

        public Builder nodeId(String v) { nodeId = v; return this; }
        public Builder pingInterval(Duration v) { ping = v; return this; }
        public Builder bus(Bus v) { bus = v; return this; }
        public Builder presence(PresenceStore v) { presence = v; return this; }
        /** Where sessions are recorded so that they can be resumed on any node; none by default. */
        public Builder records(SessionRecords v) { records = v; return this; }
        public Builder authorizer(Authorizer v) { authorizer = v; return this; }
        public Builder hooks(HubHooks v) { hooks = v; return this; }
        public Builder ops(Map<String, OpHandler> v) { ops = v; return this; }
        public Builder metrics(NodeMetrics v) { metrics = v; return this; }
        public Builder alloc(ByteBufAllocator v) { alloc = v; return this; }
        /** How many of a room's newest messages answer a subscribe with since without a history read (0: none), at most {@code budget} over all rooms. */
        public Builder recentFrames(int perRoom, long budget) { recentPerRoom = perRoom; recentBudget = budget; return this; }

        public HubConfig build() {
            return new HubConfig(nodeId, ping.toMillis(), bus, presence, records, authorizer, hooks, ops, metrics, alloc,
                    recentPerRoom, recentBudget);
        }
    }
}

package io.wscluster.hub;

import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.wscluster.bus.Bus;
import io.wscluster.history.HistoryOptions;
import io.wscluster.metrics.NodeMetrics;
import io.wscluster.presence.PresenceStore;
import io.wscluster.security.Authorizer;
import io.wscluster.security.ClientLimits;
import io.wscluster.security.PermissionProxy;
import io.wscluster.security.RoomPolicy;
import io.wscluster.security.TokenVerifier;
import io.wscluster.security.UserLimits;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/** What a {@link Hub} is built from. Immutable; {@link #builder()} fills the optional parts. */
public record HubConfig(String nodeId, long pingMillis, Bus bus, PresenceStore presence, SessionRecords records,
                        Authorizer authorizer, RoomPolicy rooms, TokenVerifier tokens, PermissionProxy proxy, ClientLimits limits,
                        UserLimits userLimits, HubHooks hooks, Map<String, OpHandler> ops, NodeMetrics metrics, ByteBufAllocator alloc,
                        int recentPerRoom, long recentBudget, long recentBudgetBytes) {
    /** The ping interval announced in {@code welcome}; the transport's default is this one. */
    public static final Duration DEFAULT_PING_INTERVAL = Duration.ofSeconds(25);

    public HubConfig {
        Objects.requireNonNull(nodeId, "nodeId");
        Objects.requireNonNull(bus, "bus");
        Objects.requireNonNull(presence, "presence");
        Objects.requireNonNull(metrics, "metrics");
        records = records == null ? SessionRecords.NONE : records;
        authorizer = authorizer == null ? Authorizer.ALLOW_ALL : authorizer;
        rooms = rooms == null ? RoomPolicy.OPEN : rooms;
        tokens = tokens == null ? TokenVerifier.NONE : tokens;
        proxy = proxy == null ? PermissionProxy.NONE : proxy;
        limits = limits == null ? ClientLimits.NONE : limits;
        userLimits = userLimits == null ? UserLimits.NONE : userLimits;
        hooks = hooks == null ? HubHooks.NONE : hooks;
        ops = ops == null ? Map.of() : Map.copyOf(ops);
        alloc = alloc == null ? PooledByteBufAllocator.DEFAULT : alloc;
        if (recentPerRoom < 0 || recentBudget < 0 || recentBudgetBytes < 0) {
            throw new IllegalArgumentException("recent frames must be 0 (none) or more, got " + recentPerRoom + " per room, "
                    + recentBudget + " and " + recentBudgetBytes + " bytes in all");
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
        private RoomPolicy rooms;
        private TokenVerifier tokens;
        private PermissionProxy proxy;
        private ClientLimits limits;
        private UserLimits userLimits;
        private HubHooks hooks;
        private Map<String, OpHandler> ops;
        private NodeMetrics metrics;
        private ByteBufAllocator alloc;
        private int recentPerRoom = HistoryOptions.DEFAULT.recoveryCachePerRoom();
        private long recentBudget = HistoryOptions.DEFAULT_RECOVERY_CACHE;
        private long recentBudgetBytes = HistoryOptions.DEFAULT_RECOVERY_CACHE_BYTES;

        public Builder nodeId(String v) { nodeId = v; return this; }
        public Builder pingInterval(Duration v) { ping = v; return this; }
        public Builder bus(Bus v) { bus = v; return this; }
        public Builder presence(PresenceStore v) { presence = v; return this; }
        /** Where sessions are recorded so that they can be resumed on any node; none by default. */
        public Builder records(SessionRecords v) { records = v; return this; }
        public Builder authorizer(Authorizer v) { authorizer = v; return this; }
        /** The configured rules of rooms, checked before the authorizer; everything open by default. */
        public Builder rooms(RoomPolicy v) { rooms = v; return this; }
        /** Verifies subscription tokens and refreshed tokens; none accepted by default. */
        public Builder tokens(TokenVerifier v) { tokens = v; return this; }
        /** The back end asked about subscribes and publishes, after the rules; nobody by default. */
        public Builder proxy(PermissionProxy v) { proxy = v; return this; }
        /** What one connection may do (subscriptions, write rates); no limit by default. */
        public Builder limits(ClientLimits v) { limits = v; return this; }
        /** What one user may write on the node over all its connections; no limit by default. */
        public Builder userLimits(UserLimits v) { userLimits = v; return this; }
        public Builder hooks(HubHooks v) { hooks = v; return this; }
        public Builder ops(Map<String, OpHandler> v) { ops = v; return this; }
        public Builder metrics(NodeMetrics v) { metrics = v; return this; }
        public Builder alloc(ByteBufAllocator v) { alloc = v; return this; }
        /** Recent frames kept per room, and over all rooms in frames and in bytes (see {@code RecentBudget}). */
        public Builder recentFrames(int perRoom, long budget, long budgetBytes) {
            recentPerRoom = perRoom;
            recentBudget = budget;
            recentBudgetBytes = budgetBytes;
            return this;
        }

        public HubConfig build() {
            return new HubConfig(nodeId, ping.toMillis(), bus, presence, records, authorizer, rooms, tokens, proxy, limits, userLimits, hooks, ops, metrics,
                    alloc, recentPerRoom, recentBudget, recentBudgetBytes);
        }
    }
}

package io.wscluster;

import io.wscluster.failover.DrainOptions;
import io.wscluster.failover.FailoverOptions;
import io.wscluster.metrics.MetricsOptions;
import io.wscluster.history.HistoryOptions;
import io.wscluster.options.Check;
import io.wscluster.protocol.Names;
import io.wscluster.redis.BusOptions;
import io.wscluster.routing.RoutingOptions;
import io.wscluster.security.SecurityOptions;
import io.wscluster.transport.TransportOptions;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * Everything a node is configured with: its own id, region and capacity, and one group per
 * concern (as Lettuce nests {@code SocketOptions} in {@code ClientOptions}). Immutable; build with
 * {@link #builder()}:
 * <pre>{@code
 * NodeOptions.builder().nodeId("n1")
 *         .transport(t -> t.port(8080).pingInterval(Duration.ofSeconds(10)))
 *         .bus(b -> b.redisUrl("redis://127.0.0.1:6379"))
 *         .build();
 * }</pre>
 * Each group holds its defaults ({@code DEFAULT_*}), written once; the flat setting names of the
 * configuration file, environment and flags map onto the groups in {@code config.Settings}.
 */
public final class NodeOptions {
    public static final int DEFAULT_CAPACITY = 10_000;

    private final String nodeId;
    private final String region;
    private final int capacity;
    private final TransportOptions transport;
    private final SecurityOptions security;
    private final HistoryOptions history;
    private final BusOptions bus;
    private final DrainOptions drain;
    private final RoutingOptions routing;
    private final FailoverOptions failover;
    private final MetricsOptions metrics;

    private NodeOptions(Builder b) {
        nodeId = b.nodeId;
        region = b.region;
        capacity = b.capacity;
        transport = b.transport;
        security = b.security;
        history = b.history;
        bus = b.bus;
        drain = b.drain;
        routing = b.routing;
        failover = b.failover;
        metrics = b.metrics;
    }

    public static Builder builder() {
        return new Builder();
    }

    public static NodeOptions defaults() {
        return builder().build();
    }

    /** A builder holding a copy of these options. */
    public Builder toBuilder() {
        Builder b = builder().nodeId(nodeId).region(region).capacity(capacity);
        b.transport = transport;
        b.security = security;
        b.history = history;
        b.bus = bus;
        b.drain = drain;
        b.routing = routing;
        b.failover = failover;
        b.metrics = metrics;
        return b;
    }

    /** The node's id in {@code welcome} and {@code /api/cluster}; null generates one at start. */
    public String nodeId() { return nodeId; }
    /** The region this node declares, for routing; null when none. */
    public String region() { return region; }
    /** Connections this node declares it can hold (reported to the cluster and used for routing). */
    public int capacity() { return capacity; }
    /** Where the node listens and how it treats each socket. */
    public TransportOptions transport() { return transport; }
    /** Who may connect and who may call the API. */
    public SecurityOptions security() { return security; }
    /** How much of each room is kept. */
    public HistoryOptions history() { return history; }
    /** The Redis the node meets the others over (none: the embedded bus), its heartbeat and batching. */
    public BusOptions bus() { return bus; }
    /** How the node leaves: drain and stop. */
    public DrainOptions drain() { return drain; }
    /** How {@code /api/route} places new connections. */
    public RoutingOptions routing() { return routing; }
    /** How failovers of other nodes are run when this node coordinates one, and how long sessions wait for a resume. */
    public FailoverOptions failover() { return failover; }
    /** What the node keeps of its own figures (history) and watches in them (alert rules). */
    public MetricsOptions metrics() { return metrics; }

    /**
     * Builder with every default set. Setters check their argument and name the setting in the
     * error; the group setters take a change to the group's current value.
     */
    public static final class Builder {
        private String nodeId;
        private String region;
        private int capacity = DEFAULT_CAPACITY;
        private TransportOptions transport = TransportOptions.DEFAULT;
        private SecurityOptions security = SecurityOptions.DEFAULT;
        private HistoryOptions history = HistoryOptions.DEFAULT;
        private BusOptions bus = BusOptions.DEFAULT;
        private DrainOptions drain = DrainOptions.DEFAULT;
        private RoutingOptions routing = RoutingOptions.DEFAULT;
        private FailoverOptions failover = FailoverOptions.DEFAULT;
        private MetricsOptions metrics = MetricsOptions.DEFAULT;

        private Builder() {
        }

        public Builder nodeId(String v) {
            Check.setting(v == null || Names.isValidSessionId(v), "node-id", v, "1 to 64 letters, digits, _ or -");
            nodeId = v;
            return this;
        }

        public Builder region(String v) { region = Check.noneIfEmpty(v); return this; }

        public Builder capacity(int v) {
            Check.setting(v >= 1, "capacity", v, "at least 1");
            capacity = v;
            return this;
        }

        public Builder transport(UnaryOperator<TransportOptions.Builder> change) {
            transport = change.apply(transport.toBuilder()).build();
            return this;
        }

        public Builder security(UnaryOperator<SecurityOptions.Builder> change) {
            security = change.apply(security.toBuilder()).build();
            return this;
        }

        public Builder history(UnaryOperator<HistoryOptions.Builder> change) {
            history = change.apply(history.toBuilder()).build();
            return this;
        }

        public Builder bus(UnaryOperator<BusOptions.Builder> change) {
            bus = change.apply(bus.toBuilder()).build();
            return this;
        }

        public Builder drain(UnaryOperator<DrainOptions.Builder> change) {
            drain = change.apply(drain.toBuilder()).build();
            return this;
        }

        /** Changes the routing options; a rejected value's message is prefixed by the caller with the setting. */
        public Builder routing(UnaryOperator<RoutingOptions> change) {
            routing = Objects.requireNonNull(change.apply(routing), "routing");
            return this;
        }

        /** Changes the failover options; a rejected value's message is prefixed by the caller with the setting. */
        public Builder failover(UnaryOperator<FailoverOptions> change) {
            failover = Objects.requireNonNull(change.apply(failover), "failover");
            return this;
        }

        /** Changes the metrics options; a rejected value's message is prefixed by the caller with the setting. */
        public Builder metrics(UnaryOperator<MetricsOptions> change) {
            metrics = Objects.requireNonNull(change.apply(metrics), "metrics");
            return this;
        }

        /** @throws IllegalArgumentException naming a setting when settings that go together do not (the TLS files) */
        public NodeOptions build() {
            transport.tls().checked();
            routing.scaling().checked();
            metrics.checked();
            return new NodeOptions(this);
        }
    }
}

package io.wscluster;

import io.wscluster.cluster.NodeInfo;
import io.wscluster.cluster.NodeState;
import io.wscluster.metrics.LoadSampler;
import io.wscluster.metrics.NodeMetrics;
import io.wscluster.transport.TransportOptions;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Who this node is and how it reports itself to the cluster: its id, URL, state and load, as one
 * {@link NodeInfo} per heartbeat. Thread-safe.
 */
final class NodeIdentity {
    private final String id;
    private final NodeOptions options;
    private final NodeMetrics metrics;
    private final LoadSampler load;
    private final AtomicReference<NodeState> state = new AtomicReference<>(NodeState.JOINING);
    private final long startedAt = System.currentTimeMillis();
    private volatile String url;
    private volatile String adminUrl;

    NodeIdentity(NodeOptions options, NodeMetrics metrics) {
        this.id = options.nodeId() != null ? options.nodeId() : "node-" + Long.toString(ThreadLocalRandom.current().nextLong(1L << 40), 36);
        this.options = options;
        this.metrics = metrics;
        this.load = new LoadSampler(metrics);
    }

    String id() {
        return id;
    }

    NodeOptions options() {
        return options;
    }

    NodeState state() {
        return state.get();
    }

    void state(NodeState s) {
        state.set(s);
    }

    /** Moves from {@code from} to {@code to}; false when the node was not in {@code from}. */
    boolean moveState(NodeState from, NodeState to) {
        return state.compareAndSet(from, to);
    }

    /** The WebSocket URL clients use to reach this node; null until it serves. */
    String url() {
        return url;
    }

    /** The operator listener's URL ({@code http://host:admin-port}); null until it serves. */
    String adminUrl() {
        return adminUrl;
    }

    /** Sets the URLs from the bound ports; the WebSocket one unless one is advertised. */
    void servingOn(int port, int adminPort) {
        TransportOptions transport = options.transport();
        url = transport.advertisedUrl() != null ? transport.advertisedUrl() : "ws://" + reachable(transport.host()) + ":" + port + "/ws";
        adminUrl = "http://" + reachable(transport.adminHost()) + ":" + adminPort;
    }

    /** A host to reach a listener bound to {@code bound} on: loopback for a wildcard address. */
    private static String reachable(String bound) {
        return "0.0.0.0".equals(bound) || "::".equals(bound) ? "127.0.0.1" : bound.contains(":") ? "[" + bound + "]" : bound;
    }

    /** Takes this second's load sample; once per second. */
    void sample() {
        load.sample();
    }

    /** This node as it reports itself now. */
    NodeInfo info() {
        LoadSampler.Load l = load.load();
        return new NodeInfo(id, url, options.region(), state.get(), metrics.connections(), options.capacity(),
                l.cpu(), l.memory(), l.messagesInPerSec(), l.messagesOutPerSec(), l.errorRate(), startedAt, adminUrl);
    }
}

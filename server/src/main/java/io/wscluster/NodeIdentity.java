package io.wscluster;

import io.wscluster.cluster.NodeInfo;
import io.wscluster.cluster.NodeState;
import io.wscluster.metrics.LoadSampler;
import io.wscluster.metrics.NodeMetrics;
import io.wscluster.transport.TransportOptions;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who this node is and how it reports itself to the cluster: its id, URL, state and load, as one
 * {@link NodeInfo} per heartbeat. Thread-safe.
 */
final class NodeIdentity {
    private static final Logger log = LoggerFactory.getLogger(NodeIdentity.class);
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
        boolean tls = transport.tls().enabled();
        url = transport.advertisedUrl() != null ? transport.advertisedUrl()
                : (tls ? "wss://" : "ws://") + HostAddress.inUrl(transport.host()) + ":" + port + "/ws";
        adminUrl = (tls ? "https://" : "http://") + HostAddress.inUrl(transport.adminHost()) + ":" + adminPort;
        if (transport.advertisedUrl() == null && url.contains("//127.0.0.1:") && !"127.0.0.1".equals(transport.host())) {
            log.warn("this node advertises {}: other hosts cannot reach it there; set advertised-url", url);
        }
    }

    /**
     * Where a client sent away should reconnect to reach {@code to}: the cluster's public URL with
     * {@code to} as a hint the gateway honours, when one is set; else {@code to}'s own URL.
     */
    String reconnectUrl(NodeInfo to) {
        String publicUrl = options.transport().publicUrl();
        return publicUrl == null ? to.url() : publicUrl + (publicUrl.contains("?") ? "&" : "?") + "node=" + to.id();
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

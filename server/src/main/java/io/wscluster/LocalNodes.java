package io.wscluster;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;
import java.util.function.UnaryOperator;

/**
 * Nodes of one cluster in this process: over Redis when the options name one (each node with
 * its own connections, as separate processes would have), else sharing one {@link
 * EmbeddedCluster}. What {@code wsc demo} runs, and what tests start when a cluster need not span
 * processes.
 *
 * <pre>{@code
 * try (LocalNodes nodes = LocalNodes.builder().options(o -> o.bus(b -> b.heartbeat(Duration.ofMillis(100)))).idPrefix("n").start(3)) {
 *     String url = nodes.get(0).url(); // n1, n2 and n3 on loopback, each on a free port
 * }
 * }</pre>
 *
 * <p>Every node gets the same options but for its node id and its port: ids {@code <prefix>1..n}
 * (or the one given to {@link #start(String)}); the k-th node started listens on the options'
 * port + k - 1, or on a free port when the options say port 0. Nodes may be started from several
 * threads. {@link #close()} stops every node started here.
 */
public final class LocalNodes implements AutoCloseable {
    /** Where the nodes listen unless the options say otherwise: loopback only. */
    public static final String DEFAULT_HOST = "127.0.0.1";
    /** A free port for each node unless the options say otherwise. */
    public static final int DEFAULT_PORT = 0;
    public static final String DEFAULT_ID_PREFIX = "node-";

    /** How {@link StartupException}'s message starts when the port is taken. */
    private static final String PORT_TAKEN = "port:";

    private final NodeOptions options;
    private final String idPrefix;
    private final UnaryOperator<WsCluster.Builder> application;
    private final PortTaken portTaken;
    /** Null over Redis: the nodes meet there instead. */
    private final EmbeddedCluster embedded;
    private final List<WsCluster> nodes = new CopyOnWriteArrayList<>();
    private final AtomicInteger started = new AtomicInteger();
    private volatile boolean closed;

    private LocalNodes(Builder b) {
        this.options = b.options;
        this.idPrefix = b.idPrefix;
        this.application = b.application;
        this.portTaken = b.portTaken;
        this.embedded = options.bus().redisUrl() == null ? new EmbeddedCluster(NamespacedHistory.of(options)) : null;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * What to do when a node's port is taken.
     */
    @FunctionalInterface
    public interface PortTaken {
        /**
         * @param index   0 for the first node started, 1 for the second...
         * @param options the node's options, with the port that is taken
         * @return true to start the node on a free port instead, false to fail with the
         *         {@link StartupException}
         */
        boolean takeFreePort(int index, NodeOptions options);
    }

    /** Starts the next node, with id {@code <prefix><how many were started before it + 1>}. */
    public WsCluster start() {
        return start(index -> idPrefix + (index + 1));
    }

    /**
     * Starts one more node of this cluster, with the given id.
     *
     * @throws StartupException when it cannot start, with a one-line reason
     */
    public WsCluster start(String nodeId) {
        Objects.requireNonNull(nodeId, "nodeId");
        return start(index -> nodeId);
    }

    /**
     * Starts {@code n} more nodes, each with the next id of the prefix.
     *
     * @return the nodes it started
     * @throws StartupException when a node cannot start (those started before it keep running)
     */
    public List<WsCluster> start(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("n: " + n + " is not valid, expected at least 1");
        }
        List<WsCluster> more = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            more.add(start());
        }
        return more;
    }

    private WsCluster start(IntFunction<String> nodeId) {
        if (closed) {
            throw new IllegalStateException("these nodes are closed");
        }
        int index = started.getAndIncrement();
        int port = options.transport().port() == 0 ? 0 : options.transport().port() + index;
        // Each takes a free operator port: nodes on one host cannot share a configured one.
        NodeOptions own = options.toBuilder().nodeId(nodeId.apply(index)).transport(t -> t.port(port).adminPort(0)).build();
        WsCluster node;
        try {
            node = launch(own);
        } catch (StartupException e) {
            if (own.transport().port() == 0 || !e.getMessage().startsWith(PORT_TAKEN) || !portTaken.takeFreePort(index, own)) {
                throw e;
            }
            node = launch(own.toBuilder().transport(t -> t.port(0)).build());
        }
        nodes.add(node);
        return node;
    }

    private WsCluster launch(NodeOptions own) {
        return application.apply(WsCluster.builder().options(own).embedded(embedded)).start();
    }

    /** The i-th node started (from 0), stopped or not. */
    public WsCluster get(int i) {
        return nodes.get(i);
    }

    /** The nodes started so far, in the order they started, stopped or not. */
    public List<WsCluster> nodes() {
        return List.copyOf(nodes);
    }

    /** The options every node shares but for its node id and port. */
    public NodeOptions options() {
        return options;
    }

    /** The embedded cluster the nodes share, for an in-process gateway; null when they are on Redis. */
    public EmbeddedCluster embedded() {
        return embedded;
    }

    /**
     * Stops every node started here, all at once (each stop waits up to its shutdown timeout for
     * its clients to leave), then what the nodes shared. Idempotent.
     */
    @Override
    public void close() {
        closed = true;
        nodes.parallelStream().forEach(WsCluster::stop);
        if (embedded != null) {
            embedded.close();
        }
    }

    private static NodeOptions.Builder loopback() {
        return NodeOptions.builder().transport(t -> t.host(DEFAULT_HOST).port(DEFAULT_PORT));
    }

    /** The options of the nodes and the application they run. */
    public static final class Builder {
        private NodeOptions options = loopback().build();
        private String idPrefix = DEFAULT_ID_PREFIX;
        private UnaryOperator<WsCluster.Builder> application = UnaryOperator.identity();
        private PortTaken portTaken = (index, node) -> false;

        private Builder() {
        }

        /** The options of every node (its node id and port are set per node), replacing the defaults. */
        public Builder options(NodeOptions v) {
            options = Objects.requireNonNull(v, "options");
            return this;
        }

        /**
         * The options so far (by default loopback and free ports) with {@code changes}:
         * {@code o -> o.bus(b -> b.redisUrl(url).heartbeat(...))}.
         */
        public Builder options(UnaryOperator<NodeOptions.Builder> changes) {
            return options(changes.apply(options.toBuilder()).build());
        }

        /** Node ids are this prefix and a number from 1. */
        public Builder idPrefix(String v) {
            idPrefix = Objects.requireNonNull(v, "idPrefix");
            return this;
        }

        /** The application every node runs: its hooks, ops and authorizers ({@code b -> b.op("echo", ...)}). */
        public Builder application(UnaryOperator<WsCluster.Builder> v) {
            application = Objects.requireNonNull(v, "application");
            return this;
        }

        /** Whether a node whose port is taken starts on a free port instead; by default it fails. */
        public Builder onPortTaken(PortTaken v) {
            portTaken = Objects.requireNonNull(v, "onPortTaken");
            return this;
        }

        /** The nodes' cluster with no node started yet. */
        public LocalNodes build() {
            return new LocalNodes(this);
        }

        /**
         * Starts {@code n} nodes, {@code <prefix>1..n}; when one cannot start, stops those that did.
         *
         * @throws StartupException when a node cannot start, with a one-line reason
         */
        public LocalNodes start(int n) {
            LocalNodes nodes = build();
            try {
                nodes.start(n);
            } catch (RuntimeException e) {
                nodes.close();
                throw e;
            }
            return nodes;
        }
    }
}

package io.wscluster;

import com.fasterxml.jackson.databind.JsonNode;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.wscluster.api.ClusterView;
import io.wscluster.api.NodeEndpoints;
import io.wscluster.cluster.Membership;
import io.wscluster.cluster.MembershipEvent;
import io.wscluster.cluster.NodeInfo;
import io.wscluster.cluster.NodeState;
import io.wscluster.hub.BusBridge;
import io.wscluster.hub.ClientRequests;
import io.wscluster.hub.Hub;
import io.wscluster.hub.HubConfig;
import io.wscluster.hub.HubHooks;
import io.wscluster.hub.OpHandler;
import io.wscluster.hub.Session;
import io.wscluster.metrics.LoadSampler;
import io.wscluster.metrics.NodeMetrics;
import io.wscluster.protocol.CloseCode;
import io.wscluster.protocol.Encoding;
import io.wscluster.protocol.Message;
import io.wscluster.protocol.Names;
import io.wscluster.protocol.Priority;
import io.wscluster.protocol.ReconnectReason;
import io.wscluster.protocol.ServerFrames;
import io.wscluster.failover.FailoverCoordinator;
import io.wscluster.failover.FailoverLog;
import io.wscluster.failover.StoredSessions;
import io.wscluster.routing.Imbalance;
import io.wscluster.routing.NodeDirectory;
import io.wscluster.routing.RouteEndpoint;
import io.wscluster.routing.Router;
import io.wscluster.routing.Stickiness;
import io.wscluster.routing.StickyRegistry;
import io.wscluster.resources.NodeResources;
import io.wscluster.security.Authorizer;
import io.wscluster.security.JwtTokenVerifier;
import io.wscluster.security.Principal;
import io.wscluster.security.TokenVerifier;
import io.wscluster.eventloops.EventLoops;
import io.wscluster.transport.WsServer;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiPredicate;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running wscluster node, and the way to embed one in a Java application:
 *
 * <pre>{@code
 * WsCluster node = WsCluster.builder()
 *         .options(NodeOptions.builder().port(8080).build())
 *         .onConnect(session -> log.info("hello {}", session.userId()))
 *         .authorizePublish((principal, room) -> !room.startsWith("admin:") || "root".equals(principal.userId()))
 *         .op("echo", (session, frame) -> CompletableFuture.completedFuture(frame.get("data")))
 *         .start();
 * node.publish("prices", Map.of("EURUSD", 1.08));
 * node.stop();
 * }</pre>
 *
 * <p>This class is the bootstrap: it alone picks one implementation of each interface and wires
 * them together.
 */
public final class WsCluster implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(WsCluster.class);

    private final NodeOptions options;
    private final String nodeId;
    private final AtomicReference<NodeState> state = new AtomicReference<>(NodeState.JOINING);
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final NodeMetrics metrics = new NodeMetrics(registry);
    private final LoadSampler load = new LoadSampler(metrics);
    private final NodeResources resources;
    private final ScheduledExecutorService timer;
    private final long startedAt = System.currentTimeMillis();
    private final ClusterBackend backend;
    private final NodeDirectory directory;
    private final Router drainRouter;
    private final FailoverCoordinator failover;
    private final CompletableFuture<Void> stopped = new CompletableFuture<>();
    private CompletionStage<Void> draining;
    private boolean stopping; // guarded by this
    private final Hub hub;
    private final BusBridge bridge;
    private final StoredSessions sessions;
    private final WsServer server;
    private InetSocketAddress address;
    private String url;

    private WsCluster(Builder b) {
        this.options = b.options;
        this.nodeId = options.nodeId() != null ? options.nodeId() : "node-" + Long.toString(ThreadLocalRandom.current().nextLong(1L << 40), 36);
        this.resources = NodeResources.create(nodeId);
        this.timer = resources.scheduler();
        try {
            this.backend = ClusterBackend.create(options, nodeId, this::info, b.embedded, timer);
        } catch (RuntimeException e) {
            resources.close();
            throw e;
        }
        TokenVerifier verifier = options.jwtSecret() == null ? TokenVerifier.NONE : new JwtTokenVerifier(options.jwtSecret());
        this.sessions = new StoredSessions(backend.sessions);
        HubConfig hubConfig = HubConfig.builder()
                .nodeId(nodeId)
                .pingInterval(options.pingInterval())
                .bus(backend.bus)
                .presence(backend.presence)
                .records(sessions)
                .authorizer(b.authorizer())
                .hooks(b.hooks())
                .ops(b.ops)
                .metrics(metrics)
                .recentFrames(Math.min(options.historySize(), HubConfig.DEFAULT_RECENT_PER_ROOM), options.recoveryCache())
                .build();
        this.hub = new Hub(hubConfig);
        this.bridge = new BusBridge(hubConfig, hub);
        ClientRequests requests = new ClientRequests(hubConfig, hub, bridge);
        Membership members = new DeferredMembership(backend::membership);
        this.directory = new NodeDirectory(members, options.heartbeat(), timer);
        ClusterView cluster = new ClusterView(members, options.routing().imbalanceThreshold());
        Router router = options.routing().router(directory::nodes, backend.sticky, options.heartbeat());
        // A drain sends clients where the algorithm says, without waiting on the sticky registry, and
        // never back to this node (the directory may not have seen it turn draining yet).
        this.drainRouter = options.routing().withStickiness(Stickiness.NONE).router(new OtherNodes(directory::nodes, nodeId),
                backend.sticky, options.heartbeat());
        this.server = new WsServer(options, hub, requests, verifier, state::get, new NodeEndpoints(bridge, state::get, registry, cluster,
                new RouteEndpoint(router, options.routing().stickyKey()), () -> drain(), (count, to) -> shed(count, to), backend.failovers,
                options.apiKey()));
        this.failover = new FailoverCoordinator(nodeId, options.failover(), directory::nodes, backend.sticky, drainRouter,
                backend.failovers, timer, options.heartbeat(), registry);
        io.micrometer.core.instrument.FunctionCounter.builder("wsc_bus_dropped_low", backend.bus, bus -> bus.droppedLowPriority())
                .description("Low-priority messages refused because the bus was saturated").register(registry);
        io.micrometer.core.instrument.Gauge.builder("wsc_cluster_imbalance", directory,
                        d -> Imbalance.of(d.nodes(), options.routing().imbalanceThreshold()).spread())
                .description("Spread of load over the active nodes: highest minus lowest connections over fair share").register(registry);
        io.micrometer.core.instrument.Gauge.builder("wsc_sticky_cache_hit_ratio", backend.sticky, StickyRegistry::cacheHitRate)
                .description("Sticky-session lookups answered from the local cache").register(registry);
        new JvmMemoryMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
    }

    public static Builder builder() {
        return new Builder();
    }

    private WsCluster startServing() {
        try {
            address = server.start();
        } catch (BindException e) {
            backend.close();
            resources.close();
            throw new StartupException("port: " + options.port() + " is already in use on " + options.host());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            backend.close();
            resources.close();
            throw new StartupException("interrupted while starting");
        }
        String host = "0.0.0.0".equals(options.host()) || "::".equals(options.host()) ? "127.0.0.1" : options.host();
        url = options.advertisedUrl() != null ? options.advertisedUrl() : "ws://" + host + ":" + address.getPort() + "/ws";
        timer.scheduleAtFixedRate(load::sample, 1, 1, TimeUnit.SECONDS);
        long period = options.heartbeat().toMillis();
        timer.scheduleAtFixedRate(() -> sessions.recordPositions(hub), period, period, TimeUnit.MILLISECONDS); // where its sessions may resume
        state.set(NodeState.ACTIVE);
        Membership membership = backend.membership();
        membership.addListener(e -> {
            if (e.type() == MembershipEvent.Type.LEAVE) {
                failover.leftInGoodOrder(e.nodeId());
            }
        });
        membership.onRegistrationLost(this::rejoinAsNew);
        directory.start();
        log.info("node {} serving {} ({} transport, {})", nodeId, url, EventLoops.name(), backend.description());
        return this;
    }

    public String nodeId() {
        return nodeId;
    }

    /** The bound port (useful with port 0). */
    public int port() {
        return address.getPort();
    }

    /** The WebSocket URL clients use to reach this node. */
    public String url() {
        return url;
    }

    /** The base HTTP URL of this node, e.g. {@code http://127.0.0.1:8080}. */
    public String httpUrl() {
        return url.replaceFirst("^ws", "http").replaceFirst("/ws$", "");
    }

    public NodeState state() {
        return state.get();
    }

    public NodeOptions options() {
        return options;
    }

    /** This node's meters (Prometheus text at {@code /metrics}). */
    public PrometheusMeterRegistry registry() {
        return registry;
    }

    /** Publishes {@code data} (any Jackson-serializable value) to a room; completes with its epoch and offset. */
    public CompletionStage<Message> publish(String room, Object data) {
        return bridge.publish(Message.toRoom(Names.requireRoom(room), json(data), null, Priority.NORMAL));
    }

    /** Sends {@code data} to every connection of {@code user}, on any node. */
    public CompletionStage<Void> send(String user, Object data) {
        return bridge.send(Message.toUser(Names.requireUser(user), json(data), null, Priority.NORMAL));
    }

    /** Sends {@code data} to every connection. */
    public CompletionStage<Void> broadcast(Object data) {
        return bridge.broadcast(Message.toAll(json(data), null, Priority.NORMAL));
    }

    private static JsonNode json(Object data) {
        return data instanceof JsonNode node ? node : Encoding.JSON.mapper().valueToTree(data);
    }

    NodeInfo info() {
        LoadSampler.Load l = load.load();
        return new NodeInfo(nodeId, url, options.region(), state.get(), metrics.connections(), options.capacity(),
                l.cpu(), l.memory(), l.messagesInPerSec(), l.messagesOutPerSec(), l.errorRate(), startedAt);
    }

    /**
     * Stops gracefully: {@code /ready} turns 503 and new upgrades are refused, every client gets
     * {@code reconnect} (reason {@code shutdown}) and close 1001, and the node waits for the
     * connections to close, at most the shutdown timeout, before cutting what remains and closing
     * the listener. Idempotent; returns when the node is offline.
     */
    public synchronized void stop() {
        if (stopping) {
            return;
        }
        stopping = true;
        state.set(NodeState.DRAINING);
        long deadline = System.nanoTime() + options.shutdownTimeout().toNanos();
        // Spread the reconnects so a restarting fleet is not hit by every client at once.
        long spread = Math.min(1000, options.shutdownTimeout().toMillis() / 4);
        server.closeAll(ServerFrames.reconnect(ReconnectReason.SHUTDOWN, null,
                spread <= 0 ? 0 : ThreadLocalRandom.current().nextLong(spread)), CloseCode.GOING_AWAY, "shutdown");
        while (metrics.connections() > 0 && System.nanoTime() < deadline) {
            sleep(10);
        }
        if (metrics.connections() > 0) {
            log.warn("shutdown timeout reached with {} connections open: cutting them", metrics.connections());
        }
        resources.close(); // nothing of this node runs on its scheduler from here on
        directory.close();
        server.stopAccepting();
        server.shutdown();
        settleOwnLease();
        backend.close();
        state.set(NodeState.OFFLINE);
        log.info("node {} stopped", nodeId);
        stopped.complete(null);
    }

    @Override
    public void close() {
        stop();
    }

    /**
     * Drains the node for a deploy: {@code /ready} turns 503 and new upgrades are refused at once,
     * then the clients are sent to other nodes in paced batches ({@code drain-batch} per event loop
     * every {@code drain-pace}), each with a {@code reconnect} frame naming its new node; when none
     * is left, or at {@code drain-timeout}, the node stops. Idempotent; completes when stopped.
     */
    public synchronized CompletionStage<Void> drain() {
        if (draining == null) {
            if (!state.compareAndSet(NodeState.ACTIVE, NodeState.DRAINING)) {
                return stopped;
            }
            log.info("node {} draining {} connection(s)", nodeId, metrics.connections());
            directory.refreshNow();
            draining = NodeDrain.drain(server, drainRouter, metrics::connections, timer)
                    .start(options.drainBatch(), options.drainPace(), options.drainTimeout())
                    .thenRunAsync(this::stop);
        }
        return draining;
    }

    /**
     * Tells the survivors that this node leaves in good order, before it vanishes from membership:
     * its failover lease is settled, so none of them takes it for failed (the membership's leave
     * announcement says the same, but a survivor may miss it; the embedded cluster has none).
     */
    private void settleOwnLease() {
        try {
            backend.failovers.settle(FailoverLog.incarnation(info()), "left", FailoverCoordinator.SETTLED_TTL)
                    .toCompletableFuture().get(2, TimeUnit.SECONDS);
        } catch (Exception e) {
            log.debug("could not mark node {} as leaving in good order: {}", nodeId, e.toString());
        }
    }

    /**
     * This node's membership record was gone at a heartbeat (a freeze, a long pause or a network
     * cut longer than the failure-detection time). When another node took over its failover, the
     * cluster has moved its sessions: it drops its clients (reconnect, reason failover, close 1012)
     * so that they follow their new mappings and resume their sessions, rather than carrying on
     * with stale state. When nobody did (a late heartbeat nobody acted on), or a delayed failover
     * saw it return within its grace period, it keeps them.
     */
    private void rejoinAsNew() {
        backend.failovers.lease(FailoverLog.incarnation(info())).whenComplete((lease, e) -> {
            boolean taken = e == null && (lease.state() == FailoverLog.Lease.State.HELD
                    || lease.state() == FailoverLog.Lease.State.SETTLED && "done".equals(lease.detail()));
            if (!taken) {
                log.warn("node {} was away longer than the failure-detection time, but no failover of it is under way:"
                        + " keeping its {} client(s)", nodeId, metrics.connections());
                return;
            }
            log.warn("node {} was declared failed while it was away: sending its {} client(s) to reconnect", nodeId,
                    metrics.connections());
            server.closeAll(ServerFrames.reconnect(ReconnectReason.FAILOVER, null, ThreadLocalRandom.current().nextLong(500)),
                    CloseCode.SERVICE_RESTART, "failover");
        });
    }

    /**
     * Rebalances: sends {@code count} of this node's clients to node {@code to} (the moves of
     * {@code /api/cluster}'s imbalance report), paced as a drain, each with a {@code reconnect} frame
     * (reason {@code rebalance}) naming it. The node stays active.
     *
     * @throws IllegalArgumentException when {@code to} is not a node that takes connections
     */
    public CompletionStage<Void> shed(int count, String to) {
        NodeInfo target = directory.nodes().stream().filter(n -> n.id().equals(to) && n.accepting() && !n.id().equals(nodeId))
                .findFirst().orElseThrow(() -> new IllegalArgumentException("node '" + to + "' is not another node that takes connections"));
        log.info("node {} rebalancing: {} client(s) to {}", nodeId, count, to);
        return NodeDrain.shed(server, target, count, metrics::connections, timer)
                .start(options.drainBatch(), options.drainPace(), options.drainTimeout());
    }

    /** Completes once the node has stopped (after {@link #stop()} or a drain). */
    public CompletionStage<Void> stopped() {
        return stopped;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Builds and starts a node. */
    public static final class Builder {
        private NodeOptions options = NodeOptions.defaults();
        private final Map<String, OpHandler> ops = new HashMap<>();
        private Consumer<Session> onConnect = s -> { };
        private Consumer<Session> onDisconnect = s -> { };
        private BiPredicate<Principal, String> canSubscribe = (p, r) -> true;
        private BiPredicate<Principal, String> canPublish = (p, r) -> true;
        private EmbeddedCluster embedded;

        private Builder() {
        }

        public Builder options(NodeOptions v) {
            options = Objects.requireNonNull(v, "options");
            return this;
        }

        /**
         * Runs on every new connection before its {@code welcome}, on its event loop (do not block).
         * Throw a {@link io.wscluster.protocol.ProtocolException} to refuse the connection.
         */
        public Builder onConnect(Consumer<Session> v) {
            onConnect = Objects.requireNonNull(v, "onConnect");
            return this;
        }

        /** Runs when a connection has closed, on its event loop (do not block). */
        public Builder onDisconnect(Consumer<Session> v) {
            onDisconnect = Objects.requireNonNull(v, "onDisconnect");
            return this;
        }

        /** Decides subscribe, history and presence requests; must answer from memory. */
        public Builder authorizeSubscribe(BiPredicate<Principal, String> v) {
            canSubscribe = Objects.requireNonNull(v, "authorizeSubscribe");
            return this;
        }

        /** Decides publish requests; must answer from memory. */
        public Builder authorizePublish(BiPredicate<Principal, String> v) {
            canPublish = Objects.requireNonNull(v, "authorizePublish");
            return this;
        }

        /**
         * Makes this node one of several in this process sharing an embedded cluster (used when no
         * Redis is configured; with Redis the nodes meet there instead).
         */
        public Builder embedded(EmbeddedCluster v) {
            embedded = v;
            return this;
        }

        /** Handles an application op {@code name}; the protocol's own ops cannot be replaced. */
        public Builder op(String name, OpHandler handler) {
            Objects.requireNonNull(handler, "handler");
            if (name == null || name.isEmpty()) {
                throw new IllegalArgumentException("op name must not be empty");
            }
            if (io.wscluster.protocol.FrameParser.isProtocolOp(name)) {
                throw new IllegalArgumentException("op '" + name + "' is part of the protocol and cannot be replaced");
            }
            ops.put(name, handler);
            return this;
        }

        /**
         * Starts the node: binds the port and begins serving.
         *
         * @throws StartupException when it cannot start, with a one-line reason
         */
        public WsCluster start() {
            return new WsCluster(this).startServing();
        }

        private Authorizer authorizer() {
            BiPredicate<Principal, String> sub = canSubscribe;
            BiPredicate<Principal, String> pub = canPublish;
            return new Authorizer() {
                @Override
                public boolean canSubscribe(Principal principal, String room) {
                    return sub.test(principal, room);
                }

                @Override
                public boolean canPublish(Principal principal, String room) {
                    return pub.test(principal, room);
                }
            };
        }

        private HubHooks hooks() {
            Consumer<Session> connect = onConnect;
            Consumer<Session> disconnect = onDisconnect;
            return new HubHooks() {
                @Override
                public void onConnect(Session session) {
                    connect.accept(session);
                }

                @Override
                public void onDisconnect(Session session) {
                    disconnect.accept(session);
                }
            };
        }
    }
}

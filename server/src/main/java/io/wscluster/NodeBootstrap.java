package io.wscluster;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.wscluster.api.ClusterView;
import io.wscluster.api.MonitorEndpoints;
import io.wscluster.api.NodeEndpoints;
import io.wscluster.bus.Bus;
import io.wscluster.cluster.Membership;
import io.wscluster.failover.FailoverCoordinator;
import io.wscluster.failover.StoredSessions;
import io.wscluster.hub.BusBridge;
import io.wscluster.hub.ClientRequests;
import io.wscluster.hub.Hub;
import io.wscluster.hub.HubConfig;
import io.wscluster.metrics.AlertsJson;
import io.wscluster.metrics.ConnectionMemory;
import io.wscluster.metrics.HistoryJson;
import io.wscluster.metrics.Monitoring;
import io.wscluster.metrics.NodeMetrics;
import io.wscluster.codec.Message;
import io.wscluster.codec.Payload;
import io.wscluster.protocol.Priority;
import io.wscluster.metrics.ProcessMeters;
import io.wscluster.routing.AgentCheck;
import io.wscluster.redis.RedisUrls;
import io.wscluster.resources.NodeResources;
import io.wscluster.routing.Imbalance;
import io.wscluster.routing.NodeDirectory;
import io.wscluster.routing.RouteEndpoint;
import io.wscluster.routing.ScalingAdvice;
import io.wscluster.routing.Router;
import io.wscluster.routing.Stickiness;
import io.wscluster.routing.StickyRegistry;
import io.wscluster.transport.SessionIds;
import io.wscluster.security.JwksKeys;
import io.wscluster.security.JwtOptions;
import io.wscluster.security.JwtTokenVerifier;
import io.wscluster.security.PermissionProxy;
import io.wscluster.security.SecurityOptions;
import io.wscluster.security.TokenVerifier;
import io.wscluster.transport.BackendHttp;
import io.wscluster.transport.HttpPermissionProxy;
import io.wscluster.transport.WsServer;

/**
 * The one bootstrap: picks one implementation of each part (one switch, on the backend), wires
 * them together, registers the node's meters and starts it serving. Nothing else in the node
 * constructs a part; {@link WsCluster} is the facade over what this returns.
 */
final class NodeBootstrap {
    private static final java.time.Duration JWKS_TIMEOUT = java.time.Duration.ofSeconds(5);
    /** How long a peer's /health or /ready may take to answer ({@link NodeFence}, {@link ServingPeers}). */
    private static final java.time.Duration PEER_PROBE_TIMEOUT = java.time.Duration.ofSeconds(1);
    /** How long a node waits for another's figures or alerts when it answers for the cluster. */
    private static final java.time.Duration MONITOR_TIMEOUT = java.time.Duration.ofSeconds(2);

    private NodeBootstrap() {
    }

    /** The parts of a running node that its facade talks to. */
    record Node(NodeIdentity self, NodeLifecycle lifecycle, BusBridge bus, PrometheusMeterRegistry registry) {
    }

    /**
     * Builds and starts a node.
     *
     * @throws StartupException when it cannot start, with a one-line reason; what was built is closed
     */
    static Node start(WsCluster.Builder app) {
        NodeOptions options = app.options();
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        NodeMetrics metrics = new NodeMetrics(registry);
        NodeIdentity self = new NodeIdentity(options, metrics);
        NodeResources resources = NodeResources.create(self.id());
        ClusterBackend backend;
        try {
            backend = backend(options, self, app.embedded(), resources, registry);
        } catch (RuntimeException e) {
            resources.close();
            throw e;
        }

        StoredSessions sessions = new StoredSessions(backend.sessions);
        TokenVerifier verifier = verifier(options.security(), resources);
        HubConfig hubConfig = HubConfig.builder()
                .nodeId(self.id())
                .pingInterval(options.transport().pingInterval())
                .bus(backend.bus)
                .presence(backend.presence)
                .records(sessions)
                .authorizer(app.authorizer().within(options.security().clientSend(), options.security().clientBroadcast()))
                .rooms(options.security().roomPolicy())
                .tokens(verifier)
                .proxy(proxy(options.security()))
                .limits(options.security().clientLimits())
                .userLimits(options.security().userLimits())
                .hooks(app.hooks())
                .ops(app.ops())
                .metrics(metrics)
                .recentFrames(options.history().recoveryCachePerRoom(), options.history().recoveryCache(),
                        options.history().recoveryCacheBytes())
                .build();
        Hub hub = new Hub(hubConfig);
        BusBridge bridge = new BusBridge(hubConfig, hub);
        ClientRequests requests = new ClientRequests(hubConfig, hub, bridge);

        Membership members = new DeferredMembership(backend::membership);
        NodeDirectory directory = new NodeDirectory(members, options.bus().heartbeat(), resources.scheduler());
        Router router = options.routing().router(directory::nodes, backend.sticky, options.bus().heartbeat());
        // Moved clients go where the algorithm says, without waiting on the sticky registry, and
        // never back to this node (the directory may not have seen it turn draining yet).
        BackendHttp peerHttp = new BackendHttp(PEER_PROBE_TIMEOUT, 16);
        OtherNodes others = new OtherNodes(directory::nodes, self.id());
        ServingPeers peers = new ServingPeers(others, peerHttp::get);
        Router drainRouter = options.routing().withStickiness(Stickiness.NONE)
                .router(new OtherNodes(directory::nodes, self.id(), peers::notServing), backend.sticky, options.bus().heartbeat());
        Router failoverRouter = options.routing().withStickiness(Stickiness.NONE).router(others, backend.sticky, options.bus().heartbeat());
        FailoverCoordinator failover = new FailoverCoordinator(self.id(), options.failover(), directory::nodes,
                directory::soundSinceNanos, backend.sticky,
                failoverRouter, backend.failovers, resources.scheduler(), options.bus().heartbeat(), registry);
        NodeLifecycle lifecycle = new NodeLifecycle(self, resources, backend, hub, sessions, directory, drainRouter, peers, failover);

        // Straight to the bus: the node's own messages are not its clients' publishes, in the counters or the publish latency.
        Monitoring monitoring = new Monitoring(options.metrics(), registry,
                sample -> backend.bus.publish(Message.toRoom(Monitoring.METRICS_ROOM, Payload.of(HistoryJson.live(self.id(), sample)),
                        null, Priority.LOW), null),
                t -> backend.bus.publish(Message.toRoom(Monitoring.ALERTS_ROOM, Payload.of(AlertsJson.transition(self.id(), t)), null,
                        Priority.HIGH), null));
        resources.own(monitoring);
        NodeEndpoints endpoints = new NodeEndpoints(bridge, self::state, registry, new ClusterView(members, options.routing()),
                new RouteEndpoint(router, options.routing().stickyKey(), true), lifecycle::drain, lifecycle::shed, backend.failovers,
                options.security(), options.transport().page(), member -> NodeFence.health(members, options.bus().heartbeat(), directory.nodes(),
                directory.soundFor(options.bus().heartbeat().multipliedBy(3)), member),
                new MonitorEndpoints(self.id(), monitoring, directory::nodes, new BackendHttp(MONITOR_TIMEOUT, 64),
                        options.security().apiKey() != null ? options.security().apiKey() : options.security().adminKey(),
                        hub::connections, new ConnectionMemory(registry, metrics::connections).register()));
        registerMeters(registry, options, backend.bus, directory, backend.sticky, resources, self);
        WsServer server = new WsServer(options.transport(), options.security(), hub, requests, verifier, self::state, endpoints,
                new SessionIds(backend.sessionIdKey), () -> AgentCheck.reply(self.info(), directory.nodes(), options.routing().weights()));
        lifecycle.serve(server);
        monitoring.start(resources.scheduler());
        new NodeFence(self, members, directory::nodes, server, peerHttp::get, options.bus().heartbeat())
                .start(resources.scheduler());
        return new Node(self, lifecycle, bridge, registry);
    }

    /** The node's token verifier; a JWKS's keys are fetched now and refreshed on the node's scheduler. */
    private static TokenVerifier verifier(SecurityOptions security, NodeResources resources) {
        JwtOptions jwt = security.jwt();
        if (!jwt.enabled()) {
            return TokenVerifier.NONE;
        }
        JwksKeys jwks = jwt.jwksUrl() == null ? null
                : new JwksKeys(jwt.jwksUrl(), new BackendHttp(JWKS_TIMEOUT, 2)::get).start(resources.scheduler(), security.jwksRefresh());
        return new JwtTokenVerifier(jwt, jwks);
    }

    /** The application's back end, asked where a proxy URL is set. */
    private static PermissionProxy proxy(SecurityOptions security) {
        if (security.proxyConnectUrl() == null && security.proxySubscribeUrl() == null && security.proxyPublishUrl() == null) {
            return PermissionProxy.NONE;
        }
        return new HttpPermissionProxy(new BackendHttp(security.proxyTimeout(), security.proxyMaxInFlight()),
                security.proxyConnectUrl(), security.proxySubscribeUrl(), security.proxyPublishUrl());
    }

    /**
     * The one switch on the backend: the embedded bus when no Redis is configured (shared with the
     * other nodes of an {@link EmbeddedCluster} when given one), a standalone Redis for a {@code
     * redis://} URL, a Redis Cluster for a {@code redis-cluster://} one (see {@link RedisUrls}).
     */
    private static ClusterBackend backend(NodeOptions options, NodeIdentity self, EmbeddedCluster embedded, NodeResources resources,
                                          PrometheusMeterRegistry registry) {
        if (options.bus().redisUrl() == null) {
            return embedded != null
                    ? ClusterBackend.sharedInProcess(embedded, self.id(), self::info)
                    : ClusterBackend.alone(options, self.id(), self::info, resources.scheduler());
        }
        return RedisUrls.isCluster(options.bus().redisUrl())
                ? ClusterBackend.onRedisCluster(options, self.id(), self::info, resources.scheduler(), registry)
                : ClusterBackend.onRedis(options, self.id(), self::info, resources.scheduler(), registry);
    }

    /** The node's meters beyond those its parts register themselves ({@link NodeMetrics}, failovers). */
    private static void registerMeters(PrometheusMeterRegistry registry, NodeOptions options, Bus bus, NodeDirectory directory,
                                       StickyRegistry sticky, NodeResources resources, NodeIdentity self) {
        FunctionCounter.builder("wsc_bus_dropped_low", bus, Bus::droppedLowPriority)
                .description("Low-priority messages refused because the bus was saturated").register(registry);
        Gauge.builder("wsc_cluster_utilisation", directory, d -> options.routing().scaling().advise(d.nodes()).utilisation())
                .description("Mean utilisation of the active nodes: the higher of connections over capacity and CPU").register(registry);
        Gauge.builder("wsc_autoscale_desired_nodes", directory, d -> options.routing().scaling().advise(d.nodes()).desired())
                .description("Nodes the cluster should run, from its utilisation against scale-up-threshold and scale-down-threshold;"
                        + " for a Kubernetes HPA or KEDA").register(registry);
        Gauge.builder("wsc_cluster_imbalance", directory, d -> Imbalance.of(d.nodes(), options.routing().imbalanceThreshold()).spread())
                .description("Spread of load over the active nodes: highest minus lowest connections over fair share").register(registry);
        Gauge.builder("wsc_node_utilisation", self, s -> ScalingAdvice.utilisation(s.info()))
                .description("This node's utilisation: the higher of its connections over its capacity and its CPU").register(registry);
        Gauge.builder("wsc_redis_up", directory, d -> d.readError() == null ? 1 : 0)
                .description("1 while this node reads the cluster's registry (Redis, or the embedded bus), 0 while the reads fail")
                .register(registry);
        Gauge.builder("wsc_sticky_cache_hit_ratio", sticky, StickyRegistry::cacheHitRate)
                .description("Sticky-session lookups answered from the local cache").register(registry);
        ProcessMeters.bindTo(registry, resources);
    }
}

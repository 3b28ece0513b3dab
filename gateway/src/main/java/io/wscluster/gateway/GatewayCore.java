package io.wscluster.gateway;

import io.netty.channel.Channel;
import io.wscluster.cluster.NodeInfo;
import io.wscluster.eventloops.ClientTls;
import io.wscluster.routing.NoNodeAvailableException;
import io.wscluster.routing.NodeDirectory;
import io.wscluster.routing.RouteEndpoint;
import io.wscluster.routing.Router;
import io.wscluster.routing.StickyRegistry;
import io.wscluster.security.ConnectionLimiter;
import io.wscluster.security.JwksKeys;
import io.wscluster.security.JwtTokenVerifier;
import io.wscluster.security.TokenVerifier;
import io.wscluster.security.TrustedProxies;
import io.wscluster.security.UserLimits;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the gateway's handlers share: options, router, endpoints, meters, the connection limits,
 * the relayed connections, and the nodes it suspects. A node is suspect for one failure-detection time (three heartbeats)
 * after it refused a connection or dropped one without a close frame: the router skips it, so
 * clients sent away from a dead node do not come straight back to it while membership has not
 * yet noticed. Thread-safe.
 */
final class GatewayCore {
    private static final Logger log = LoggerFactory.getLogger(GatewayCore.class);
    private final GatewayOptions options;
    private final NodeDirectory directory;
    private final Router router;
    private final GatewayEndpoints endpoints;
    private final GatewayMetrics metrics;
    private final Links links = new Links();
    private final AtomicLong httpTurn = new AtomicLong();
    private final Map<String, Long> suspects = new ConcurrentHashMap<>();
    private final long suspectNanos;
    /** The last directory snapshot and its filtered copy, so the router sees a new list only when either changes. */
    private volatile List<NodeInfo> seen;
    private volatile List<NodeInfo> usable = List.of();
    private volatile int suspectsVersion;
    private int usableVersion = -1;
    private final TokenVerifier tokens;
    private final TrustedProxies proxies;
    private final ConnectionLimiter limiter;
    private final ClientTls nodeTls;
    private final OperatorAddress operatorAddress = new OperatorAddress();

    GatewayCore(GatewayOptions options, NodeDirectory directory, StickyRegistry sticky, JwksKeys jwks) {
        this.options = options;
        this.tokens = options.jwt().enabled() ? new JwtTokenVerifier(options.jwt(), jwks) : null;
        this.proxies = new TrustedProxies(options.trustedProxies());
        this.nodeTls = ClientTls.trusting(options.nodeCaFile());
        this.directory = directory;
        this.suspectNanos = options.heartbeat().multipliedBy(3).toNanos();
        this.metrics = new GatewayMetrics(links, sticky);
        // Users are the nodes' to limit: only they know how many connections a user holds on each.
        this.limiter = new ConnectionLimiter(options.addressLimits(), UserLimits.NONE, proxies, metrics::refused);
        this.router = options.routing().router(this::usableNodes, sticky, options.heartbeat());
        this.endpoints = new GatewayEndpoints(directory, new RouteEndpoint(router, options.routing().stickyKey(), false), metrics,
                options.routing(), options.apiKey());
    }

    GatewayOptions options() {
        return options;
    }

    /** Verifies clients' tokens before their {@code sub} places them; null when the gateway has no token key. */
    TokenVerifier tokens() {
        return tokens;
    }

    /**
     * The node a client names with {@code ?node=} (a reconnect frame's hint from a drain or
     * rebalance), when it is one the gateway would place on and takes connections; else null.
     */
    NodeInfo hinted(String nodeId) {
        if (nodeId == null) {
            return null;
        }
        for (NodeInfo n : usableNodes()) {
            if (n.id().equals(nodeId) && n.accepting()) {
                return n;
            }
        }
        return null;
    }

    /** The port of a node's URL: as given, else 443 or 80 by its scheme. */
    static int portOf(URI node) {
        return node.getPort() > 0 ? node.getPort() : secure(node) ? 443 : 80;
    }

    /** Starts a connection to a node that advertises {@code wss://} or {@code https://} with TLS, checking its certificate. */
    void tlsToNode(Channel ch, URI node) {
        if (secure(node)) {
            ch.pipeline().addFirst("tls", nodeTls.newHandler(ch.alloc(), node.getHost(), portOf(node)));
        }
    }

    private static boolean secure(URI node) {
        return "wss".equalsIgnoreCase(node.getScheme()) || "https".equalsIgnoreCase(node.getScheme());
    }

    /** Where forwarded {@code /api/*} requests go on a node. */
    OperatorAddress operatorAddress() {
        return operatorAddress;
    }

    /** Whose {@code X-Forwarded-*} headers to believe. */
    TrustedProxies proxies() {
        return proxies;
    }

    /** The per-address limits on clients: each connection takes its ticket at accept. */
    ConnectionLimiter limiter() {
        return limiter;
    }

    Router router() {
        return router;
    }

    GatewayEndpoints endpoints() {
        return endpoints;
    }

    GatewayMetrics metrics() {
        return metrics;
    }

    Links links() {
        return links;
    }

    /**
     * A node for a plain HTTP request: any that takes connections, in turn. Not the router: a
     * request is not a connection, and must not count as one placed on the node.
     */
    NodeInfo anyNode() {
        return anyNode(n -> true);
    }

    /** The same among the nodes that {@code also} accepts; when it accepts none of them, the first node that takes requests. */
    NodeInfo anyNode(Predicate<NodeInfo> also) {
        List<NodeInfo> accepting = usableNodes().stream().filter(NodeInfo::accepting).toList();
        List<NodeInfo> ok = accepting.stream().filter(also).toList();
        if (ok.isEmpty() && !accepting.isEmpty()) {
            return accepting.get(0);
        }
        if (ok.isEmpty()) {
            throw new NoNodeAvailableException("no node takes requests now", (int) Math.max(1, options.heartbeat().toSeconds() * 2));
        }
        return ok.get((int) Math.floorMod(httpTurn.getAndIncrement(), (long) ok.size()));
    }

    /**
     * A node dropped a relayed connection without a close frame (it crashed or was cut off): its
     * client is being closed with 1012, which counts as a failover close, and the node is avoided
     * for a while.
     */
    void linkLost(String nodeId) {
        metrics.failedOver(1);
        suspect(nodeId);
    }

    void suspect(String nodeId) {
        suspects.put(nodeId, System.nanoTime() + suspectNanos);
        suspectsVersion++;
    }

    /**
     * Membership no longer lists the node. When the gateway's view of the cluster has been sound for
     * a lease ({@link NodeDirectory#soundFor}), the node is gone: {@link #nodeGone}. Right after its
     * link to Redis came back (Redis restarted empty, or was frozen), or when half the cluster
     * vanished in one read, every record lapsed at once and the nodes are not dead: the gateway
     * looks again a lease later, and only a node still missing then is gone. A node that really
     * died meanwhile loses its links by itself anyway (its sockets close).
     */
    void nodeMissing(String nodeId, java.util.concurrent.ScheduledExecutorService scheduler) {
        java.time.Duration lease = options.heartbeat().multipliedBy(3);
        if (directory.soundFor(lease)) {
            nodeGone(nodeId);
            return;
        }
        scheduler.schedule(() -> {
            if (directory.nodes().stream().noneMatch(n -> n.id().equals(nodeId))) {
                nodeMissing(nodeId, scheduler);
            }
        }, lease.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
    }

    /** Membership no longer lists the node: its clients reconnect elsewhere. */
    void nodeGone(String nodeId) {
        suspects.remove(nodeId);
        int moved = links.failNode(nodeId);
        log.warn("node {} is gone from the cluster: {} of its client connections closed to reconnect through the other nodes", nodeId, moved);
        metrics.failedOver(moved);
    }

    /** The directory's nodes without the suspects; the same list object until something changes. */
    private synchronized List<NodeInfo> usableNodes() {
        List<NodeInfo> all = directory.nodes();
        long now = System.nanoTime();
        boolean expired = suspects.values().removeIf(until -> until - now <= 0);
        if (all == seen && usableVersion == suspectsVersion && !expired) {
            return usable;
        }
        List<NodeInfo> out = new ArrayList<>(all.size());
        for (NodeInfo n : all) {
            if (!suspects.containsKey(n.id())) {
                out.add(n);
            }
        }
        seen = all;
        usableVersion = suspectsVersion;
        usable = out;
        return out;
    }
}

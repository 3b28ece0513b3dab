package io.wscluster.routing;

import io.wscluster.cluster.NodeInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where a new connection goes: the library API behind {@code GET /api/route} and the gateway.
 *
 * <ol>
 *   <li>Candidates: the nodes that take connections (active and below capacity), each counted
 *       with the connections this router placed on it since the node list was last refreshed (a
 *       heartbeat), so a burst of connections between two heartbeats spreads instead of piling
 *       onto the node that looked emptiest.</li>
 *   <li>Stickiness: {@link Stickiness#REGION} narrows the candidates to the nearest region with
 *       any; {@link Stickiness#KEY} hashes the request's key onto them; {@code USER},
 *       {@code SESSION} and {@code IP} return the node the registry maps the key to while it is a
 *       candidate, and map the key to whatever the algorithm picks otherwise.</li>
 *   <li>The algorithm picks among the candidates.</li>
 * </ol>
 * When no node is a candidate, the result fails with {@link NoNodeAvailableException}. When the
 * sticky registry fails (Redis down), the connection is placed by the algorithm rather than
 * refused. Thread-safe; never blocks.
 */
public final class Router {
    private static final Logger log = LoggerFactory.getLogger(Router.class);

    private final Supplier<List<NodeInfo>> nodes;
    private final LoadBalancer balancer;
    private final Stickiness stickiness;
    private final StickyRegistry registry;
    private final Regions regions;
    private final int retryAfterSeconds;
    private final IpHash keyRing = new IpHash();
    /** Connections placed per node since {@link #snapshot} was read. */
    private final Map<String, AtomicInteger> placed = new ConcurrentHashMap<>();
    /** The node list the placements count from: a new one (a new heartbeat's figures) starts over. */
    private volatile List<NodeInfo> snapshot;

    /**
     * @param nodes             the cluster's nodes as last seen (e.g. {@link NodeDirectory#nodes()}); quick
     * @param retryAfterSeconds what to tell a client when no node can take it (about a heartbeat)
     */
    public Router(Supplier<List<NodeInfo>> nodes, LoadBalancer balancer, Stickiness stickiness, StickyRegistry registry,
                  Regions regions, int retryAfterSeconds) {
        this.nodes = Objects.requireNonNull(nodes, "nodes");
        this.balancer = Objects.requireNonNull(balancer, "balancer");
        this.stickiness = Objects.requireNonNull(stickiness, "stickiness");
        this.registry = Objects.requireNonNull(registry, "registry");
        this.regions = Objects.requireNonNull(regions, "regions");
        this.retryAfterSeconds = retryAfterSeconds;
    }

    /** The node for a new connection from {@code clientIp} of {@code userId} in {@code region} (any may be null). */
    public CompletionStage<NodeInfo> select(String clientIp, String userId, String region) {
        return select(RouteRequest.of(clientIp, userId, region));
    }

    /** The node for a new connection, recorded: the sticky mapping is written or renewed, the placement counted. */
    public CompletionStage<NodeInfo> select(RouteRequest request) {
        return place(request, true);
    }

    /**
     * Where {@code request} would go, without recording it: no sticky mapping is written or renewed
     * and nothing is counted. What {@code /api/route} answers: anyone may ask, so asking must change
     * nothing.
     */
    public CompletionStage<NodeInfo> advise(RouteRequest request) {
        return place(request, false);
    }

    private CompletionStage<NodeInfo> place(RouteRequest request, boolean record) {
        UnaryOperator<NodeInfo> count = record ? this::count : UnaryOperator.identity();
        List<NodeInfo> all = nodes.get();
        List<NodeInfo> candidates = candidates(all);
        if (candidates.isEmpty()) {
            return CompletableFuture.failedFuture(new NoNodeAvailableException(all.isEmpty()
                    ? "no node is known to the cluster"
                    : "no node takes connections: all " + all.size() + " are joining, draining, offline or full",
                    retryAfterSeconds));
        }
        if (stickiness == Stickiness.REGION) {
            candidates = regions.nearest(request.region(), candidates);
        }
        if (stickiness == Stickiness.KEY && request.key() != null) {
            return CompletableFuture.completedFuture(count.apply(keyRing.byKey(candidates, request.key())));
        }
        String key = stickiness.registryKey(request);
        if (key == null) {
            return CompletableFuture.completedFuture(count.apply(balancer.pick(candidates, request)));
        }
        List<NodeInfo> among = candidates;
        return registry.lookup(key).thenCompose(nodeId -> nodeId == null || find(among, nodeId) != null
                        ? CompletableFuture.completedFuture(nodeId)
                        // Mapped to a node that is gone: a failover may have moved the mapping since it was cached.
                        : registry.lookupFresh(key))
                .handle((nodeId, e) -> {
                    if (e != null) {
                        log.debug("sticky registry unavailable, placing {} by the algorithm: {}", key, e.toString());
                        return CompletableFuture.completedFuture(count.apply(balancer.pick(among, request)));
                    }
                    NodeInfo mapped = nodeId == null ? null : find(among, nodeId);
                    if (mapped != null) {
                        if (record) {
                            registry.assign(key, nodeId); // renews the mapping's TTL; the registry may skip it
                        }
                        return CompletableFuture.completedFuture(count.apply(mapped));
                    }
                    NodeInfo chosen = count.apply(balancer.pick(among, request));
                    return record ? registry.assign(key, chosen.id()).handle((v, x) -> chosen) : CompletableFuture.completedFuture(chosen);
                }).thenCompose(s -> s);
    }

    private static NodeInfo find(List<NodeInfo> nodes, String id) {
        for (NodeInfo n : nodes) {
            if (n.id().equals(id)) {
                return n;
            }
        }
        return null;
    }

    private List<NodeInfo> candidates(List<NodeInfo> all) {
        if (all != snapshot) {
            // Fresh figures: what was placed before them is in them (or never connected: a route
            // answer is only advice), so counting starts over.
            snapshot = all;
            placed.clear();
        }
        List<NodeInfo> out = new ArrayList<>(all.size());
        for (NodeInfo n : all) {
            AtomicInteger since = placed.get(n.id());
            NodeInfo counted = since == null ? n : n.withConnections(n.connections() + since.get());
            if (counted.accepting()) {
                out.add(counted);
            }
        }
        return out;
    }

    private NodeInfo count(NodeInfo chosen) {
        placed.computeIfAbsent(chosen.id(), id -> new AtomicInteger()).incrementAndGet();
        return chosen;
    }
}

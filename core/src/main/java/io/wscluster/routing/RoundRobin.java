package io.wscluster.routing;

import io.wscluster.cluster.NodeInfo;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Round robin: each candidate in turn, whatever its load. Exact: over k × n picks from an
 * unchanging set of n nodes, each gets k.
 *
 * <p>Example: candidates [a, b, c]: picks a, b, c, a, b, c, ... When b drains, the next picks
 * continue over [a, c].
 *
 * <p>Use it when nodes are alike and connections are alike; it ignores load entirely.
 */
final class RoundRobin implements LoadBalancer {
    private final AtomicLong next = new AtomicLong();

    @Override
    public NodeInfo pick(List<NodeInfo> candidates, RouteRequest request) {
        return candidates.get((int) Math.floorMod(next.getAndIncrement(), (long) candidates.size()));
    }
}

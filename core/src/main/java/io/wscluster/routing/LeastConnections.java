package io.wscluster.routing;

import io.wscluster.cluster.NodeInfo;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Least connections: the candidate with the fewest connections; ties go round robin among the
 * tied, so equal nodes share a burst.
 *
 * <p>Example: a has 120, b 80, c 80 connections: the next pick is b, the one after it c (b now
 * counts 81), then b and c alternate until they reach 120, after which all three take turns.
 *
 * <p>Use it for long-lived connections of similar cost on nodes of equal size: it evens out the
 * count after restarts and scale-outs.
 */
final class LeastConnections implements LoadBalancer {
    private final AtomicLong tieBreak = new AtomicLong();

    @Override
    public NodeInfo pick(List<NodeInfo> candidates, RouteRequest request) {
        int min = Integer.MAX_VALUE;
        int tied = 0;
        for (NodeInfo n : candidates) {
            if (n.connections() < min) {
                min = n.connections();
                tied = 1;
            } else if (n.connections() == min) {
                tied++;
            }
        }
        int skip = (int) Math.floorMod(tieBreak.getAndIncrement(), (long) tied);
        for (NodeInfo n : candidates) {
            if (n.connections() == min && skip-- == 0) {
                return n;
            }
        }
        throw new AssertionError("unreachable");
    }
}

package io.wscluster.routing;

import io.wscluster.cluster.NodeInfo;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Weighted by declared capacity, smoothly interleaved (the "smooth weighted round robin" of
 * Nginx): over any run of picks each node's share follows its capacity, and a large node's turns
 * are spread out rather than taken in a block. A node that declares no capacity (0, unlimited)
 * weighs as much as the largest declared one.
 *
 * <p>Example: capacities a = 5,000, b = 1,000, c = 1,000 (weights 5:1:1): seven picks go a, a, b,
 * a, c, a, a, then the cycle repeats; over 10,000 picks a gets 71.4 %, b and c 14.3 % each.
 *
 * <p>Use it when nodes differ in size (say, 4- and 16-core machines) and each declares its
 * {@code capacity}.
 */
final class Weighted implements LoadBalancer {
    /** The current weight of each node, by id; nodes not among the candidates are forgotten. */
    private final Map<String, Long> current = new HashMap<>();

    @Override
    public synchronized NodeInfo pick(List<NodeInfo> candidates, RouteRequest request) {
        long largest = 1;
        for (NodeInfo n : candidates) {
            largest = Math.max(largest, n.capacity());
        }
        if (current.size() > candidates.size() * 2) {
            current.keySet().retainAll(candidates.stream().map(NodeInfo::id).toList());
        }
        long total = 0;
        NodeInfo best = null;
        long bestWeight = Long.MIN_VALUE;
        for (NodeInfo n : candidates) {
            long weight = n.capacity() > 0 ? n.capacity() : largest;
            total += weight;
            long w = current.merge(n.id(), weight, Long::sum);
            if (w > bestWeight) {
                bestWeight = w;
                best = n;
            }
        }
        current.put(best.id(), bestWeight - total);
        return best;
    }
}

package io.wscluster.routing;

import io.wscluster.cluster.NodeInfo;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Uniformly random. Needs no shared state, so many gateways using it never herd onto one node.
 *
 * <p>Example: candidates [a, b, c]: each pick is a, b or c with probability 1/3; over 3,000 picks
 * each gets about 1,000 (± 3 % at two standard deviations).
 *
 * <p>Use it behind several gateways that cannot share counters, for alike nodes.
 */
final class RandomChoice implements LoadBalancer {
    @Override
    public NodeInfo pick(List<NodeInfo> candidates, RouteRequest request) {
        return candidates.get(ThreadLocalRandom.current().nextInt(candidates.size()));
    }
}

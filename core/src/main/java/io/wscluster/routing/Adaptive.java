package io.wscluster.routing;

import io.wscluster.cluster.NodeInfo;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Adaptive: the candidate with the best score, from the figures each node reports in its
 * heartbeat. With the default weights
 * <pre>
 * score = free capacity × 0.40 + (1 − CPU) × 0.20 + (1 − memory) × 0.20
 *       + (1 − error rate) × 0.10 + throughput headroom × 0.10
 * </pre>
 * where free capacity is {@code 1 − connections / capacity} (for a node without a declared
 * capacity, {@code 1 − connections / (most connections among the candidates + 1)}), CPU and memory
 * are the fractions the node reports, and throughput headroom is
 * {@code 1 − messages per second / the busiest candidate's messages per second} (messages in plus
 * out; 1 when no candidate carries traffic), so a quieter node scores higher. Ties go round robin.
 * Connection counts include what was placed since the last heartbeat (see {@link Router}), so a
 * burst does not all land on the node that looked best at the last heartbeat.
 *
 * <p>Example: a (1,000 of 10,000 connections, CPU 0.70, memory 0.50, no errors, 900 msg/s) scores
 * 0.9 × 0.4 + 0.3 × 0.2 + 0.5 × 0.2 + 1 × 0.1 + 0 × 0.1 = 0.62; b (3,000 of 10,000, CPU 0.20, memory
 * 0.30, no errors, 300 msg/s) scores 0.7 × 0.4 + 0.8 × 0.2 + 0.7 × 0.2 + 0.1 + 0.667 × 0.1 = 0.747:
 * b gets the connection although it has more of them, because a is busy.
 *
 * <p>Use it when connections differ in cost (some rooms hot, some idle) or nodes share machines
 * with other work: it follows what the nodes measure rather than what they count.
 */
final class Adaptive implements LoadBalancer {
    private final AdaptiveWeights w;
    private final AtomicLong tieBreak = new AtomicLong();

    Adaptive(AdaptiveWeights weights) {
        this.w = weights;
    }

    @Override
    public NodeInfo pick(List<NodeInfo> candidates, RouteRequest request) {
        int mostConnections = 0;
        double busiest = 0;
        for (NodeInfo n : candidates) {
            mostConnections = Math.max(mostConnections, n.connections());
            busiest = Math.max(busiest, rate(n));
        }
        double best = Double.NEGATIVE_INFINITY;
        int tied = 0;
        double[] scores = new double[candidates.size()];
        for (int i = 0; i < scores.length; i++) {
            scores[i] = score(candidates.get(i), mostConnections, busiest);
            if (scores[i] > best + 1e-9) {
                best = scores[i];
                tied = 1;
            } else if (Math.abs(scores[i] - best) <= 1e-9) {
                tied++;
            }
        }
        int skip = (int) Math.floorMod(tieBreak.getAndIncrement(), (long) tied);
        for (int i = 0; i < scores.length; i++) {
            if (Math.abs(scores[i] - best) <= 1e-9 && skip-- == 0) {
                return candidates.get(i);
            }
        }
        throw new AssertionError("unreachable");
    }

    /** {@code n}'s score among the active nodes of {@code cluster} (with {@code n} counted, whether listed or not). */
    static double scoreAmong(NodeInfo n, List<NodeInfo> cluster, AdaptiveWeights weights) {
        int mostConnections = n.connections();
        double busiest = rate(n);
        for (NodeInfo other : cluster) {
            if (other.state() == io.wscluster.cluster.NodeState.ACTIVE) {
                mostConnections = Math.max(mostConnections, other.connections());
                busiest = Math.max(busiest, rate(other));
            }
        }
        return new Adaptive(weights).score(n, mostConnections, busiest);
    }

    double score(NodeInfo n, int mostConnections, double busiest) {
        double free = n.capacity() > 0 ? 1 - (double) n.connections() / n.capacity()
                : 1 - (double) n.connections() / (mostConnections + 1);
        double headroom = busiest > 0 ? 1 - rate(n) / busiest : 1;
        return w.capacity() * clamp(free) + w.cpu() * (1 - clamp(n.cpu())) + w.memory() * (1 - clamp(n.memory()))
                + w.errors() * (1 - clamp(n.errorRate())) + w.throughput() * clamp(headroom);
    }

    private static double rate(NodeInfo n) {
        return n.messagesInPerSec() + n.messagesOutPerSec();
    }

    private static double clamp(double v) {
        return v < 0 ? 0 : v > 1 ? 1 : v;
    }
}

package io.wscluster.routing;

import io.wscluster.cluster.NodeInfo;
import io.wscluster.cluster.NodeState;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * How unevenly connections sit on the active nodes, and what would even them out.
 *
 * <p>Each active node's fair share of all connections follows its declared capacity (equal
 * shares when none declares one; a node without one weighs as the largest declared). Its load is
 * connections over fair share (1 = exactly its share). The <em>spread</em> is the highest load
 * minus the lowest; the cluster is imbalanced when the spread exceeds the threshold. The moves
 * then take connections from nodes above their share to nodes below it, largest surplus to
 * largest deficit first.
 *
 * <p>Example: three equal nodes with 900, 600 and 0 connections (say c just joined): shares 500
 * each, loads 1.8, 1.2 and 0, spread 1.8 > 0.2: imbalanced; moves: a → c 400, b → c 100.
 */
public final class Imbalance {
    public static final double DEFAULT_THRESHOLD = 0.2;

    /** Move {@code connections} connections from node {@code from} to node {@code to}. */
    public record Move(String from, String to, int connections) {
    }

    public record Report(double spread, double threshold, boolean imbalanced, List<Move> moves) {
    }

    private Imbalance() {
    }

    public static Report of(List<NodeInfo> nodes, double threshold) {
        List<NodeInfo> active = nodes.stream().filter(n -> n.state() == NodeState.ACTIVE).toList();
        long total = 0;
        long largest = 1;
        for (NodeInfo n : active) {
            total += n.connections();
            largest = Math.max(largest, n.capacity());
        }
        if (active.size() < 2 || total == 0) {
            return new Report(0, threshold, false, List.of());
        }
        double weights = 0;
        for (NodeInfo n : active) {
            weights += weight(n, largest);
        }
        double max = Double.NEGATIVE_INFINITY;
        double min = Double.POSITIVE_INFINITY;
        List<double[]> surplus = new ArrayList<>(); // index, amount
        List<double[]> deficit = new ArrayList<>();
        for (int i = 0; i < active.size(); i++) {
            NodeInfo n = active.get(i);
            double share = total * weight(n, largest) / weights;
            double load = n.connections() / share;
            max = Math.max(max, load);
            min = Math.min(min, load);
            double diff = n.connections() - share;
            (diff > 0 ? surplus : deficit).add(new double[] {i, Math.abs(diff)});
        }
        double spread = max - min;
        if (spread <= threshold) {
            return new Report(spread, threshold, false, List.of());
        }
        Comparator<double[]> largestFirst = Comparator.comparingDouble((double[] a) -> a[1]).reversed();
        surplus.sort(largestFirst);
        deficit.sort(largestFirst);
        List<Move> moves = new ArrayList<>();
        int s = 0;
        int d = 0;
        while (s < surplus.size() && d < deficit.size()) {
            double[] from = surplus.get(s);
            double[] to = deficit.get(d);
            double amount = Math.min(from[1], to[1]);
            int whole = (int) Math.round(amount);
            if (whole > 0) {
                moves.add(new Move(active.get((int) from[0]).id(), active.get((int) to[0]).id(), whole));
            }
            from[1] -= amount;
            to[1] -= amount;
            if (from[1] < 0.5) {
                s++;
            }
            if (to[1] < 0.5) {
                d++;
            }
        }
        return new Report(spread, threshold, !moves.isEmpty(), List.copyOf(moves));
    }

    private static double weight(NodeInfo n, long largest) {
        return n.capacity() > 0 ? n.capacity() : largest;
    }
}

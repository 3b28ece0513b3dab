package io.wscluster.routing;

import io.wscluster.cluster.NodeInfo;
import io.wscluster.cluster.NodeState;
import java.util.List;

/**
 * How many nodes the cluster should run, from how busy its active nodes are. A node's utilisation
 * is the highest of its connections over its capacity and its CPU; the cluster's is the mean over
 * its active nodes. Above {@code up} the advice is enough nodes to bring it back to the middle of
 * the band ({@code (up + down) / 2}); below {@code down}, as few as do the same (never fewer than
 * one); inside the band, the nodes it has: the band is the hysteresis that keeps the advice from
 * flapping around one threshold, and the middle target keeps a scale-up from landing right at
 * the scale-down threshold or the other way round.
 *
 * @param up   utilisation above which more nodes are advised
 * @param down utilisation below which fewer nodes are advised
 */
public record ScalingAdvice(double up, double down) {
    public static final ScalingAdvice DEFAULT = new ScalingAdvice(0.8, 0.3);

    /**
     * These thresholds, once both are known (they are set one at a time).
     *
     * @throws IllegalArgumentException naming both settings when they do not make a band
     */
    public ScalingAdvice checked() {
        if (!(down > 0) || !(up > down) || !(up <= 1)) {
            throw new IllegalArgumentException("scale-down-threshold (" + down + ") must be above 0 and below scale-up-threshold ("
                    + up + "), which must be at most 1");
        }
        return this;
    }

    /** What the advice says about {@code nodes}: utilisation, the active nodes counted, and the nodes to run. */
    public record Advice(double utilisation, int active, int desired) {
    }

    public Advice advise(List<NodeInfo> nodes) {
        int active = 0;
        double sum = 0;
        for (NodeInfo n : nodes) {
            if (n.state() == NodeState.ACTIVE) {
                active++;
                sum += utilisation(n);
            }
        }
        if (active == 0) {
            return new Advice(0, 0, 1);
        }
        double u = sum / active;
        int desired = active;
        if (u > up || u < down) {
            double target = (up + down) / 2;
            desired = Math.max(1, (int) Math.ceil(active * u / target - 1e-9));
        }
        return new Advice(u, active, desired);
    }

    /** One node's utilisation: the higher of its connections over its capacity and its CPU. */
    public static double utilisation(NodeInfo n) {
        double connections = n.capacity() > 0 ? (double) n.connections() / n.capacity() : 0;
        return Math.max(connections, Math.max(0, n.cpu()));
    }
}

package io.wscluster.routing;

import io.wscluster.cluster.NodeInfo;
import io.wscluster.cluster.NodeState;
import java.util.List;

/**
 * What a node answers HAProxy's {@code agent-check}: the adaptive algorithm's view of it as a
 * weight, so that HAProxy users get adaptive balancing without the gateway. An active node
 * answers {@code ready up N%}, N its adaptive score among the cluster's active nodes (1 to 100:
 * 100 for an idle node, lower as it fills, never 0, which HAProxy reads as "send nothing"); a
 * node that is starting, draining or fenced answers {@code drain} (HAProxy sends it no new
 * connections and keeps those it has); a node that is going away answers {@code down}.
 */
public final class AgentCheck {
    private AgentCheck() {
    }

    /**
     * @param self    this node as it reports itself
     * @param cluster the cluster's nodes as last read (self included or not)
     */
    public static String reply(NodeInfo self, List<NodeInfo> cluster, AdaptiveWeights weights) {
        NodeState state = self.state();
        if (state == NodeState.ACTIVE) {
            return "ready up " + weightPercent(self, cluster, weights) + "%\n";
        }
        return state == NodeState.JOINING || state == NodeState.DRAINING || state == NodeState.FENCED ? "drain\n" : "down\n";
    }

    static int weightPercent(NodeInfo self, List<NodeInfo> cluster, AdaptiveWeights weights) {
        double score = Adaptive.scoreAmong(self, cluster, weights);
        return (int) Math.max(1, Math.min(100, Math.round(score * 100)));
    }
}

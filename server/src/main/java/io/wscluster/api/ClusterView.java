package io.wscluster.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.wscluster.cluster.Membership;
import io.wscluster.cluster.NodeInfo;
import io.wscluster.cluster.NodeInfoJson;
import io.wscluster.protocol.Encoding;
import io.wscluster.routing.Imbalance;
import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * The body of {@code GET /api/cluster}: every node with its figures, totals, and how evenly the
 * connections are spread, with the moves that would even them out.
 */
public final class ClusterView {
    private final Membership membership;
    private final double imbalanceThreshold;

    public ClusterView(Membership membership, double imbalanceThreshold) {
        this.membership = membership;
        this.imbalanceThreshold = imbalanceThreshold;
    }

    public CompletionStage<ObjectNode> toJson() {
        return membership.nodes().thenApply(nodes -> render(nodes, imbalanceThreshold));
    }

    public static ObjectNode render(List<NodeInfo> nodes, double imbalanceThreshold) {
        ObjectNode root = Encoding.JSON.mapper().createObjectNode();
        ArrayNode list = root.putArray("nodes");
        long connections = 0;
        double in = 0;
        double out = 0;
        for (NodeInfo n : nodes) {
            list.add(NodeInfoJson.toJson(n));
            connections += n.connections();
            in += n.messagesInPerSec();
            out += n.messagesOutPerSec();
        }
        root.putObject("totals")
                .put("nodes", nodes.size())
                .put("connections", connections)
                .put("messages_in_per_sec", round(in))
                .put("messages_out_per_sec", round(out));
        Imbalance.Report imbalance = Imbalance.of(nodes, imbalanceThreshold);
        ObjectNode i = root.putObject("imbalance")
                .put("spread", round(imbalance.spread()))
                .put("threshold", imbalance.threshold())
                .put("imbalanced", imbalance.imbalanced());
        ArrayNode moves = i.putArray("moves");
        for (Imbalance.Move m : imbalance.moves()) {
            moves.addObject().put("from", m.from()).put("to", m.to()).put("connections", m.connections());
        }
        return root;
    }

    private static double round(double v) {
        return NodeInfoJson.round(v);
    }
}

package io.wscluster.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.wscluster.cluster.Membership;
import io.wscluster.cluster.NodeInfo;
import io.wscluster.cluster.NodeInfoJson;
import io.wscluster.protocol.Encoding;
import java.util.List;
import java.util.concurrent.CompletionStage;

/** The body of {@code GET /api/cluster}: every node with its figures, and totals. */
public final class ClusterView {
    private final Membership membership;

    public ClusterView(Membership membership) {
        this.membership = membership;
    }

    public CompletionStage<ObjectNode> toJson() {
        return membership.nodes().thenApply(ClusterView::render);
    }

    static ObjectNode render(List<NodeInfo> nodes) {
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
        return root;
    }

    private static double round(double v) {
        return NodeInfoJson.round(v);
    }
}

package io.wscluster.routing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.wscluster.cluster.NodeInfo;
import io.wscluster.cluster.NodeInfoJson;
import java.util.List;

/**
 * The body of {@code GET /api/cluster}, on a node and on the gateway alike: every node with its
 * figures, totals, and how evenly the connections are spread, with the moves that would even them
 * out.
 */
public final class ClusterReport {
    private static final ObjectMapper JSON = new ObjectMapper();

    private ClusterReport() {
    }

    /**
     * @param operatorUrls whether each node's operator listener ({@code admin_url}) is listed: only
     *                     for operators, never on a public listener
     */
    public static ObjectNode render(List<NodeInfo> nodes, RoutingOptions routing, boolean operatorUrls) {
        ObjectNode root = JSON.createObjectNode();
        ArrayNode list = root.putArray("nodes");
        long connections = 0;
        double in = 0;
        double out = 0;
        for (NodeInfo n : nodes) {
            ObjectNode node = NodeInfoJson.toJson(n);
            if (!operatorUrls) {
                node.remove("admin_url");
            }
            list.add(node);
            connections += n.connections();
            in += n.messagesInPerSec();
            out += n.messagesOutPerSec();
        }
        root.putObject("totals")
                .put("nodes", nodes.size())
                .put("connections", connections)
                .put("messages_in_per_sec", round(in))
                .put("messages_out_per_sec", round(out));
        Imbalance.Report imbalance = Imbalance.of(nodes, routing.imbalanceThreshold());
        ObjectNode i = root.putObject("imbalance")
                .put("spread", round(imbalance.spread()))
                .put("threshold", imbalance.threshold())
                .put("imbalanced", imbalance.imbalanced());
        ArrayNode moves = i.putArray("moves");
        for (Imbalance.Move m : imbalance.moves()) {
            moves.addObject().put("from", m.from()).put("to", m.to()).put("connections", m.connections());
        }
        ScalingAdvice.Advice advice = routing.scaling().advise(nodes);
        root.putObject("autoscaling")
                .put("utilisation", round(advice.utilisation()))
                .put("active_nodes", advice.active())
                .put("desired_nodes", advice.desired())
                .put("scale_up_threshold", routing.scaling().up())
                .put("scale_down_threshold", routing.scaling().down());
        return root;
    }

    /**
     * Marks {@code report} (from {@link #render}) as the cluster read just now ({@code "stale": false}),
     * or, when {@code error} is not null, as the last view read before the reads started failing:
     * {@code "stale": true}, {@code "as_of"} the time of that read in epoch milliseconds (null when
     * nothing was ever read) and {@code "error"} what failed.
     */
    public static ObjectNode withFreshness(ObjectNode report, String error, long asOfMillis) {
        report.put("stale", error != null);
        if (error != null) {
            if (asOfMillis > 0) {
                report.put("as_of", asOfMillis);
            } else {
                report.putNull("as_of");
            }
            report.put("error", error);
        }
        return report;
    }

    /** What a failed read of membership says in a stale report: its cause, without the future's wrapping. */
    public static String readError(Throwable e) {
        Throwable cause = e instanceof java.util.concurrent.CompletionException && e.getCause() != null ? e.getCause() : e;
        return "cannot read the cluster's membership: " + (cause.getMessage() != null ? cause.getMessage() : cause.getClass().getSimpleName());
    }

    private static double round(double v) {
        return NodeInfoJson.round(v);
    }
}

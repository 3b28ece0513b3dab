package io.wscluster.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.wscluster.cluster.Membership;
import io.wscluster.cluster.NodeInfo;
import io.wscluster.routing.ClusterReport;
import io.wscluster.routing.RoutingOptions;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * {@code GET /api/cluster} of a node: the {@link ClusterReport} of its membership. When membership
 * cannot be read (the cluster's Redis is down: exactly when an operator looks), it answers with
 * the last view it read, marked {@code "stale": true} with its time and the error, never a failure.
 */
public final class ClusterView {
    private final Membership membership;
    private final RoutingOptions routing;
    /** The last view read, with its time; null until a read succeeded. */
    private volatile Known last;

    private record Known(List<NodeInfo> nodes, long atMillis) {
    }

    public ClusterView(Membership membership, RoutingOptions routing) {
        this.membership = membership;
        this.routing = routing;
    }

    /** @param operatorUrls whether each node's operator listener is listed (only for the operator listener) */
    public CompletionStage<ObjectNode> toJson(boolean operatorUrls) {
        CompletionStage<List<NodeInfo>> read;
        try {
            read = membership.nodes();
        } catch (RuntimeException e) {
            read = CompletableFuture.failedFuture(e);
        }
        return read.handle((nodes, error) -> {
            if (error == null) {
                last = new Known(nodes, System.currentTimeMillis());
                return ClusterReport.withFreshness(ClusterReport.render(nodes, routing, operatorUrls), null, 0);
            }
            Known k = last;
            return ClusterReport.withFreshness(ClusterReport.render(k == null ? List.of() : k.nodes(), routing, operatorUrls),
                    ClusterReport.readError(error), k == null ? 0 : k.atMillis());
        });
    }
}

package io.wscluster.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.wscluster.cluster.Membership;
import io.wscluster.routing.ClusterReport;
import java.util.concurrent.CompletionStage;

/** {@code GET /api/cluster} of a node: the {@link ClusterReport} of its membership. */
public final class ClusterView {
    private final Membership membership;
    private final double imbalanceThreshold;

    public ClusterView(Membership membership, double imbalanceThreshold) {
        this.membership = membership;
        this.imbalanceThreshold = imbalanceThreshold;
    }

    /** @param operatorUrls whether each node's operator listener is listed (only for the operator listener) */
    public CompletionStage<ObjectNode> toJson(boolean operatorUrls) {
        return membership.nodes().thenApply(nodes -> ClusterReport.render(nodes, imbalanceThreshold, operatorUrls));
    }
}

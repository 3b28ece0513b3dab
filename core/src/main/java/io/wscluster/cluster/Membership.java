package io.wscluster.cluster;

import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * The nodes of the cluster as this node knows them. Never blocks; completes on an unspecified
 * thread, exceptionally when the registry cannot be read.
 */
public interface Membership {
    /** Every known node, this one included, ordered by id. */
    CompletionStage<List<NodeInfo>> nodes();
}

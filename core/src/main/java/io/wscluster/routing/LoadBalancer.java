package io.wscluster.routing;

import io.wscluster.cluster.NodeInfo;
import java.util.List;

/**
 * One balancing algorithm: picks the node for a new connection. Implementations are thread-safe
 * and quick (called once per connection, on an event loop).
 */
public interface LoadBalancer {
    /**
     * @param candidates the nodes that take connections now: non-empty, ordered by id, with
     *                   connection counts that include what was placed since their last heartbeat
     */
    NodeInfo pick(List<NodeInfo> candidates, RouteRequest request);
}

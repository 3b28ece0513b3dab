package io.wscluster.routing;

import io.wscluster.cluster.NodeInfo;
import io.wscluster.cluster.NodeState;

/** Node records for routing tests. */
final class Nodes {
    private Nodes() {
    }

    static NodeInfo node(String id, int connections, int capacity) {
        return load(id, connections, capacity, 0, 0, 0, 0);
    }

    static NodeInfo node(String id, NodeState state) {
        return new NodeInfo(id, "ws://127.0.0.1:1/" + id, null, state, 0, 1000, 0, 0, 0, 0, 0, 1L, null);
    }

    static NodeInfo inRegion(String id, String region, int connections) {
        return new NodeInfo(id, "ws://127.0.0.1:1/" + id, region, NodeState.ACTIVE, connections, 1000, 0, 0, 0, 0, 0, 1L, null);
    }

    static NodeInfo load(String id, int connections, int capacity, double cpu, double memory, double errorRate,
                         double messagesPerSec) {
        return new NodeInfo(id, "ws://127.0.0.1:1/" + id, null, NodeState.ACTIVE, connections, capacity, cpu, memory,
                messagesPerSec, 0, errorRate, 1L, null);
    }
}

package io.wscluster.cluster;

/**
 * What a node reports about itself: identity, state, and load. {@code cpu} and {@code memory} are
 * fractions from 0 to 1 (process CPU over all cores; heap used over heap max); rates are per second
 * over the last sampling interval; {@code errorRate} is the fraction, 0 to 1, of the messages
 * received in that interval that were answered with an error. {@code adminUrl} is the node's
 * operator listener ({@code http://host:admin-port}), where {@code wsc drain} and {@code wsc
 * rebalance} reach it; null when unknown (a record written by an older node).
 */
public record NodeInfo(String id, String url, String region, NodeState state, int connections, int capacity,
                       double cpu, double memory, double messagesInPerSec, double messagesOutPerSec,
                       double errorRate, long startedAtMillis, String adminUrl) {
    /** Takes new connections: active, and below its declared capacity (0: unlimited). */
    public boolean accepting() {
        return state == NodeState.ACTIVE && (capacity <= 0 || connections < capacity);
    }

    /** This node with another connection count (what a balancer expects after placing some). */
    public NodeInfo withConnections(int n) {
        return new NodeInfo(id, url, region, state, n, capacity, cpu, memory, messagesInPerSec, messagesOutPerSec,
                errorRate, startedAtMillis, adminUrl);
    }
}

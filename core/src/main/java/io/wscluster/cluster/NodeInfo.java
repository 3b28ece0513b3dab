package io.wscluster.cluster;

/**
 * What a node reports about itself: identity, state, and load. {@code cpu} and {@code memory} are
 * fractions from 0 to 1 (process CPU over all cores; heap used over heap max); rates are per second
 * over the last sampling interval.
 */
public record NodeInfo(String id, String url, String region, NodeState state, int connections, int capacity,
                       double cpu, double memory, double messagesInPerSec, double messagesOutPerSec,
                       long startedAtMillis) {
}

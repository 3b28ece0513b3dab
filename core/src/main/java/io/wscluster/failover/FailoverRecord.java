package io.wscluster.failover;

import java.util.Map;

/**
 * One failover: which node failed, how it was handled and with what result.
 *
 * @param sessionsMoved sticky mappings moved to other nodes
 * @param targets       how many went to each node
 * @param endedAtMillis 0 while running
 * @param outcome       {@code running}, {@code done}, {@code returned} (the node came back within the
 *                      grace period of {@code delayed}), or {@code failed: <reason>}
 */
public record FailoverRecord(String id, String failedNode, String coordinator, String strategy, int sessionsMoved,
                             Map<String, Integer> targets, long startedAtMillis, long endedAtMillis, String outcome) {
    public FailoverRecord {
        targets = Map.copyOf(targets);
    }

    FailoverRecord ended(int moved, Map<String, Integer> to, String result) {
        return new FailoverRecord(id, failedNode, coordinator, strategy, moved, to, startedAtMillis, System.currentTimeMillis(), result);
    }
}

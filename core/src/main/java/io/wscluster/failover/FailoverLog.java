package io.wscluster.failover;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * Where failovers are coordinated and remembered, shared by every node of a cluster: the lease
 * that makes one node handle a failed node alone, and the records of recent failovers.
 * Implementations: {@link LocalFailoverLog} (one process) and one on Redis.
 */
public interface FailoverLog {
    /**
     * Takes the lease on handling {@code failedNode}'s failover for {@code ttl}; true for exactly
     * one caller while the lease lives, however many ask at once.
     */
    CompletionStage<Boolean> claim(String failedNode, String owner, Duration ttl);

    /** Whether some node holds the lease on handling {@code node}'s failover now. */
    CompletionStage<Boolean> claimed(String node);

    /** Stores {@code r}, replacing an earlier version of the same id. */
    CompletionStage<Void> record(FailoverRecord r);

    /** The newest records first, at most {@code n}. */
    CompletionStage<List<FailoverRecord>> recent(int n);
}

package io.wscluster.failover;

import io.wscluster.cluster.NodeInfo;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * Where failovers are coordinated and remembered, shared by every node of a cluster: the lease
 * that makes one node handle a failed node alone, and the records of recent failovers.
 * Implementations: {@link LocalFailoverLog} (one process) and one on Redis.
 *
 * <p>Leases are per incarnation of a node ({@link #incarnation}: its id and start time), so that a
 * node restarted under the same id is a new node: what was settled for its previous run does not
 * keep anyone from handling its next failure. A lease is {@link Lease.State#FREE}, {@link
 * Lease.State#HELD} by the node running the failover (which renews it while it runs, so that a
 * coordinator that dies lets it lapse and another takes over), or {@link Lease.State#SETTLED}: the
 * failover is over, or the node left in good order and none is needed.
 */
public interface FailoverLog {
    /** A lease and, for a held one, its holder; for a settled one, why ({@code done}, {@code left}, {@code returned}). */
    record Lease(State state, String detail) {
        public enum State { FREE, HELD, SETTLED }

        public static final Lease FREE = new Lease(State.FREE, "");
    }

    /** The key of one run of a node: its id and start time. */
    static String incarnation(NodeInfo node) {
        return node.id() + "@" + node.startedAtMillis();
    }

    /**
     * Takes the lease on handling {@code incarnation}'s failover for {@code ttl}; true for exactly
     * one caller while the lease is held or settled, however many ask at once.
     */
    CompletionStage<Boolean> claim(String incarnation, String owner, Duration ttl);

    /** Extends {@code owner}'s lease by {@code ttl}; false when it is no longer {@code owner}'s. */
    CompletionStage<Boolean> renew(String incarnation, String owner, Duration ttl);

    /** Marks {@code incarnation}'s lease settled, for {@code why}, for {@code ttl}: nobody claims it meanwhile. */
    CompletionStage<Void> settle(String incarnation, String why, Duration ttl);

    CompletionStage<Lease> lease(String incarnation);

    /** Stores {@code r}, replacing an earlier version of the same id. */
    CompletionStage<Void> record(FailoverRecord r);

    /** The newest records first, at most {@code n}. */
    CompletionStage<List<FailoverRecord>> recent(int n);
}

package io.wscluster.cluster;

import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

/**
 * The nodes of the cluster as this node knows them, and the changes they announce (as Vert.x's
 * {@code ClusterManager} with its node listener).
 *
 * <p>{@link #nodes()} is the truth; events are hints for reacting at once rather than at the next
 * read: a node announces {@link MembershipEvent.Type#JOIN JOIN} when it registers,
 * {@link MembershipEvent.Type#UPDATE UPDATE} when its {@link NodeState} changes (noticed within a
 * heartbeat) and {@link MembershipEvent.Type#LEAVE LEAVE} when it leaves in good order; a node
 * that crashes announces nothing and only vanishes from {@code nodes()}.
 *
 * <p>Threading: every method is callable from any thread and never blocks. {@code nodes()}
 * completes on an unspecified thread, exceptionally when the registry cannot be read. Listeners
 * and the registration-lost action run on an unspecified thread, one event at a time; they must be
 * quick and must not block. A listener that throws is logged, and the others still hear the event.
 */
public interface Membership {
    /** Every known node, this one included once registered, ordered by id. */
    CompletionStage<List<NodeInfo>> nodes();

    /**
     * Calls {@code listener} with every event of the cluster from now on, this node's own
     * included. Events announced while the registry is unreachable are lost.
     *
     * @throws IllegalStateException when this membership cannot hear events (see the implementation)
     */
    void addListener(Consumer<MembershipEvent> listener);

    /** Stops calling {@code listener}; an event already on its way may still reach it. */
    void removeListener(Consumer<MembershipEvent> listener);

    /**
     * Calls {@code action} when this node's own registration turns out lost after it had been
     * registered: the cluster took this node for dead meanwhile (a pause, an outage or a network cut
     * longer than the failure-detection time), and the membership registers it again as new.
     * Replaces any earlier action. A membership that registers no node (an observer) or cannot lose
     * a registration (the embedded one) never calls it.
     */
    void onRegistrationLost(Runnable action);

    /**
     * Since when this node's own heartbeats have succeeded without a failure in between
     * ({@link System#nanoTime()}), or {@link #NOT_HEALTHY} while its last heartbeat failed (or none
     * succeeded yet). A node whose own link to the registry just came back does not judge others
     * until they have had a full lease to heartbeat too: a Redis that stalled, restarted or refused
     * writes for a while lost their records as well, and they are not dead. The embedded membership,
     * which cannot fail, has been healthy since it started.
     */
    default long healthySinceNanos() {
        return HEALTHY_SINCE_START;
    }

    /**
     * When this node's own heartbeat last succeeded ({@link System#nanoTime()}), or
     * {@link #NOT_HEALTHY} when none has: a node that has not heartbeated for longer than a lease has
     * been taken for dead by the others.
     */
    default long lastHeartbeatNanos() {
        return System.nanoTime();
    }

    /** Whether a {@link #healthySinceNanos()}-like time lies at least {@code windowNanos} back. */
    static boolean healthyFor(long since, long windowNanos) {
        return since == HEALTHY_SINCE_START || since != NOT_HEALTHY && System.nanoTime() - since >= windowNanos;
    }

    /** The later of two {@link #healthySinceNanos()}-like times: not healthy when either is not. */
    static long later(long a, long b) {
        if (a == NOT_HEALTHY || b == NOT_HEALTHY) {
            return NOT_HEALTHY;
        }
        if (a == HEALTHY_SINCE_START) {
            return b;
        }
        return b == HEALTHY_SINCE_START ? a : Math.max(a, b);
    }

    /** {@link #healthySinceNanos()} of a node whose link is down. */
    long NOT_HEALTHY = Long.MIN_VALUE;
    /** {@link #healthySinceNanos()} of a membership that cannot fail: long enough ago for any judgment. */
    long HEALTHY_SINCE_START = Long.MIN_VALUE + 1;
}

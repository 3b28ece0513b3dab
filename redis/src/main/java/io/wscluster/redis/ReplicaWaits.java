package io.wscluster.redis;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * Redis {@code WAIT} shared by the placements of one connection: one {@code WAIT} covers every
 * command the connection wrote before it, so the placements answered while one is in flight wait
 * together for the next, sent as soon as the one in flight returns. Redis holds the connection
 * while a {@code WAIT} blocks; one per placement would serialise publishing at one replica round
 * trip per message, this makes it one per round trip whatever the rate. A placement never joins a
 * {@code WAIT} already sent: that one may have left before the placement did.
 */
final class ReplicaWaits {
    private final Supplier<CompletionStage<Long>> send;
    private boolean waiting; // guarded by this
    private CompletableFuture<Long> next; // guarded by this: the placements for the next WAIT

    /** @param send sends {@code WAIT} on the placements' connection; completes with the replicas that confirmed */
    ReplicaWaits(Supplier<CompletionStage<Long>> send) {
        this.send = send;
    }

    /** For a placement just answered: the replicas that confirmed a {@code WAIT} sent after it. */
    synchronized CompletionStage<Long> after() {
        if (next == null) {
            next = new CompletableFuture<>();
        }
        CompletableFuture<Long> mine = next;
        if (!waiting) {
            sendNext();
        }
        return mine;
    }

    private void sendNext() { // holding this
        CompletableFuture<Long> group = next;
        next = null;
        waiting = true;
        send.get().whenComplete((n, e) -> {
            synchronized (this) {
                waiting = false;
                if (next != null) {
                    sendNext();
                }
            }
            if (e != null) {
                group.completeExceptionally(e);
            } else {
                group.complete(n);
            }
        });
    }
}

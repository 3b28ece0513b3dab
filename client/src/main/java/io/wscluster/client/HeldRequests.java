package io.wscluster.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * The requests made while the client has no connection to send them on, waiting for the next one
 * in the order they were made. Bounded: a request beyond {@code max} fails at once with {@code
 * held_queue_full}, so an application that goes on publishing through a long outage fills neither
 * its memory nor, later, the node. Each waits at most the request timeout, then fails with {@code
 * timeout}: the caller learns within the same time whether or not a connection is there. None of
 * them has left the client, so each failure is marked unsent (a keyed publish knows it stored
 * nothing). Used on the client's event loop only.
 */
final class HeldRequests {
    /** How many released requests may await their replies at once. */
    static final int WINDOW = 50;

    /** One request: its frame, the caller's future of the reply, and its timer. */
    private record Held(ObjectNode frame, CompletableFuture<JsonNode> reply, ScheduledFuture<?> expiry) {
    }

    private final ScheduledExecutorService loop;
    private final Duration timeout;
    private final int max;
    private final Deque<Held> queue = new ArrayDeque<>();
    /** Released requests awaiting their replies. */
    private int inFlight;

    HeldRequests(ScheduledExecutorService loop, Duration timeout, int max) {
        this.loop = loop;
        this.timeout = timeout;
        this.max = max;
    }

    /** Holds {@code frame} until {@link #release}; returns the future of its reply. */
    CompletableFuture<JsonNode> hold(ObjectNode frame) {
        if (queue.size() >= max) {
            return CompletableFuture.failedFuture(new WscException("held_queue_full", max
                    + " requests already wait for a connection (ClientOptions.withMaxHeldRequests)", true));
        }
        CompletableFuture<JsonNode> reply = new CompletableFuture<>();
        Held[] self = new Held[1];
        ScheduledFuture<?> expiry = loop.schedule(() -> {
            if (queue.remove(self[0])) {
                reply.completeExceptionally(new WscException("timeout", "no connection within " + timeout + "; not sent", true));
            }
        }, timeout.toMillis(), TimeUnit.MILLISECONDS);
        self[0] = new Held(frame, reply, expiry);
        queue.add(self[0]);
        return reply;
    }

    /**
     * Sends the held requests, oldest first, through {@code send}, at most {@value #WINDOW} awaiting
     * their replies at a time (a node answers {@code rate_limited} beyond its {@code
     * max-pending-requests}, 100 by default); each caller gets the reply of its own. {@code send}
     * returns null once its connection is gone: what is left stays held for the next one. Runs
     * {@code drained} whenever nothing is left to send.
     */
    void drain(Function<ObjectNode, CompletableFuture<JsonNode>> send, Runnable drained) {
        while (inFlight < WINDOW && !queue.isEmpty()) {
            Held h = queue.peek();
            CompletableFuture<JsonNode> sent = send.apply(h.frame());
            if (sent == null) {
                return;
            }
            queue.poll();
            h.expiry().cancel(false);
            inFlight++;
            sent.whenComplete((r, e) -> {
                inFlight--;
                if (e != null) {
                    h.reply().completeExceptionally(e);
                } else {
                    h.reply().complete(r);
                }
                drain(send, drained);
            });
        }
        if (queue.isEmpty()) {
            drained.run();
        }
    }

    /** Fails every held request with {@code code}: the client is closed. */
    void failAll(String code, String message) {
        while (!queue.isEmpty()) {
            Held h = queue.poll();
            h.expiry().cancel(false);
            h.reply().completeExceptionally(new WscException(code, message, true));
        }
    }
}

package io.wscluster.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.wscluster.protocol.Backoff;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import io.wscluster.protocol.Futures;

/**
 * One publish until its outcome is known. Every attempt carries the same idempotency key, so the
 * cluster stores the message once however often it is asked (within its 5-minute window). An
 * attempt whose outcome is unknown ({@code outcome_unknown}, the connection lost with it in flight,
 * no reply in time) is asked again after a backoff; while the client is between connections the
 * next attempt is held for the next one, as any request is. After an unknown outcome a refusal ({@code unavailable}) says nothing
 * of the earlier attempt, so it is asked again too. It fails with {@code outcome_unknown} only when
 * the attempts or the time run out with an unknown outcome among them: never {@code unavailable}
 * for a message that may be stored. Used on the client's event loop only.
 */
final class KeyedPublish {
    /** How many attempts reach the server at most. */
    static final int ATTEMPTS = 5;
    /** The codes that leave the outcome unknown. */
    private static final Set<String> UNKNOWN = Set.of("outcome_unknown", "connection_lost", "timeout");

    private final ObjectNode frame;
    private final Function<ObjectNode, CompletableFuture<JsonNode>> request;
    private final BooleanSupplier closed;
    private final ScheduledExecutorService loop;
    private final Backoff backoff;
    private final long deadline;
    private final CompletableFuture<Long> done = new CompletableFuture<>();
    private int sent;
    private boolean unknownSeen;

    /**
     * @param frame     the publish frame, with its idempotency key
     * @param request   sends a request on the current connection, or holds it for the next
     * @param window    how long it may take in all, waiting for connections included
     */
    KeyedPublish(ObjectNode frame, Function<ObjectNode, CompletableFuture<JsonNode>> request, BooleanSupplier closed,
                 ScheduledExecutorService loop, Backoff backoff, java.time.Duration window) {
        this.frame = frame;
        this.request = request;
        this.closed = closed;
        this.loop = loop;
        this.backoff = backoff;
        this.deadline = System.nanoTime() + window.toNanos();
    }

    /** Starts it on the loop; completes with the message's offset. */
    CompletableFuture<Long> start() {
        loop.execute(this::attempt);
        return done;
    }

    private void attempt() {
        if (closed.getAsBoolean()) {
            fail(new WscException("closed", "the client is closed", true));
        } else {
            sent++;
            request.apply(frame.deepCopy()).whenComplete((ack, e) -> {
                if (e == null) {
                    done.complete(ack.path("offset").asLong());
                } else {
                    answered(e);
                }
            });
        }
    }

    private void answered(Throwable e) {
        Throwable cause = Futures.cause(e);
        String code = cause instanceof WscException w ? w.code() : null;
        // A held attempt that never left (no connection in time, the queue full) tells nothing new.
        boolean unknown = UNKNOWN.contains(code) && !((WscException) cause).unsent();
        unknownSeen |= unknown;
        boolean again = unknown || (unknownSeen && "unavailable".equals(code));
        if (again && sent < ATTEMPTS && System.nanoTime() - deadline < 0) {
            loop.schedule(this::attempt, backoff.delay(sent - 1).toMillis(), TimeUnit.MILLISECONDS);
        } else {
            fail(cause);
        }
    }

    private void fail(Throwable last) {
        if (unknownSeen) {
            done.completeExceptionally(new WscException("outcome_unknown", "the message may or may not be stored: " + sent
                    + " attempt(s) with its idempotency key got no certain answer (last: " + last.getMessage() + ")"));
        } else {
            done.completeExceptionally(last);
        }
    }
}

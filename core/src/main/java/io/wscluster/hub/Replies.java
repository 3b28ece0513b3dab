package io.wscluster.hub;

import io.wscluster.metrics.NodeMetrics;
import io.wscluster.protocol.ErrorCode;
import io.wscluster.codec.OutboundFrame;
import io.wscluster.protocol.ProtocolException;
import io.wscluster.codec.ServerFrames;
import io.wscluster.resources.QuietLog;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.BiConsumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;
import io.wscluster.protocol.Futures;

/**
 * How a request's outcome reaches its client: on the session's loop, as the answer frame or as an
 * {@code error} frame whose code says what is known ({@code unavailable} only when the bus refused,
 * i.e. nothing was accepted; {@code internal} for a bug, logged).
 */
final class Replies {
    private static final Logger log = LoggerFactory.getLogger(Replies.class);
    /** A client that provokes the same failure again and again costs one line a minute per kind of failure. */
    private static final QuietLog quiet = new QuietLog(log, Level.ERROR, Duration.ofMinutes(1));

    private final NodeMetrics metrics;

    Replies(NodeMetrics metrics) {
        this.metrics = metrics;
    }

    /** Runs {@code then} on the session's loop when {@code stage} completes: inline when it already has. */
    static <T> void onLoop(Session s, CompletionStage<T> stage, BiConsumer<T, Throwable> then) {
        CompletableFuture<T> f = stage.toCompletableFuture();
        if (f.isDone() && s.shard.inExecutor()) {
            T value = null;
            Throwable error = null;
            try {
                value = f.join();
            } catch (CompletionException | CancellationException e) {
                error = e.getCause() == null ? e : e.getCause();
            }
            then.accept(value, error);
        } else {
            f.whenCompleteAsync((v, e) -> then.accept(v, Futures.cause(e)),
                    s.shard.executor());
        }
    }

    /**
     * As {@link #onLoop} for a client's request, counted among the session's requests awaiting an
     * answer ({@code max-pending-requests}) until then. On the session's loop.
     */
    static <T> void answerOnLoop(Session s, CompletionStage<T> stage, BiConsumer<T, Throwable> then) {
        if (stage.toCompletableFuture().isDone()) {
            onLoop(s, stage, then);
            return;
        }
        s.pending++;
        onLoop(s, stage, (value, error) -> {
            s.pending--;
            then.accept(value, error);
        });
    }

    /** Sends {@code ok} of the stage's value, or the error it failed with, answering request {@code id}. */
    <T> void reply(Session s, long id, CompletionStage<T> stage, Function<T, OutboundFrame> ok) {
        answerOnLoop(s, stage, (value, error) -> {
            if (error != null) {
                fail(s, asProtocolError(error, id));
            } else {
                s.send(ok.apply(value));
            }
        });
    }

    void fail(Session s, ProtocolException e) {
        metrics.error(e.code());
        s.send(ServerFrames.error(e));
    }

    /** Maps a failure to what the client is told: its own code, or {@code unavailable} for a bus failure. */
    ProtocolException asProtocolError(Throwable error, long id) {
        if (error instanceof ProtocolException pe) {
            return pe.withRequestId(id);
        }
        // Debug, not warn: while the bus is down every request fails, and the outage itself is
        // logged once by the bus.
        log.debug("request {} failed: {}", id, error.toString());
        return new ProtocolException(ErrorCode.UNAVAILABLE, "the cluster bus is unavailable; nothing was accepted", id);
    }

    /** What the client is told when an application op fails: its own code, else {@code internal} (see {@link OpHandler}). */
    ProtocolException handlerError(Throwable error, String op, long id) {
        if (error instanceof ProtocolException pe) {
            return pe.withRequestId(id);
        }
        quiet.log(op + " " + error.getClass().getName(), error, "handler of op '{}' failed", op);
        return new ProtocolException(ErrorCode.INTERNAL, "internal error", id);
    }
}

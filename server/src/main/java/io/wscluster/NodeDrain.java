package io.wscluster;

import io.wscluster.cluster.NodeInfo;
import io.wscluster.hub.Session;
import io.wscluster.protocol.CloseCode;
import io.wscluster.protocol.OutboundFrame;
import io.wscluster.protocol.ReconnectReason;
import io.wscluster.protocol.ServerFrames;
import io.wscluster.routing.NoNodeAvailableException;
import io.wscluster.routing.RouteRequest;
import io.wscluster.routing.Router;
import io.wscluster.transport.WsServer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves a draining node's clients away in paced batches: every {@code pace}, up to {@code batch}
 * connections per event loop get a {@code reconnect} frame (reason {@code drain}) naming the node
 * the router picks for them (the draining node is no candidate: it is not active) and are closed
 * with 1012. Their session records stay, so a client that reconnects with {@code ?session=} gets
 * its rooms back. A client no node can take yet stays until a later batch. Completes when no
 * connection is left or at the deadline.
 */
final class NodeDrain {
    private static final Logger log = LoggerFactory.getLogger(NodeDrain.class);

    private final WsServer server;
    private final Router router;
    private final IntSupplier connections;
    private final ScheduledExecutorService timer;
    private final CompletableFuture<Void> done = new CompletableFuture<>();

    NodeDrain(WsServer server, Router router, IntSupplier connections, ScheduledExecutorService timer) {
        this.server = server;
        this.router = router;
        this.connections = connections;
        this.timer = timer;
    }

    CompletionStage<Void> start(int batch, Duration pace, Duration deadline) {
        long until = System.nanoTime() + deadline.toNanos();
        step(batch, pace, until);
        return done;
    }

    private void step(int batch, Duration pace, long until) {
        if (connections.getAsInt() == 0 || System.nanoTime() - until >= 0) {
            log.info("drain done: {} connection(s) left", connections.getAsInt());
            done.complete(null);
            return;
        }
        server.sendAway(batch, this::farewell, CloseCode.SERVICE_RESTART, "drain").whenComplete((moved, e) -> {
            if (e != null) {
                log.warn("drain step failed", e);
            }
            timer.schedule(() -> step(batch, pace, until), pace.toMillis(), TimeUnit.MILLISECONDS);
        });
    }

    /** The reconnect frame for one session, or null when no node can take it now. */
    private OutboundFrame farewell(Session s) {
        NodeInfo target;
        try {
            target = router.select(new RouteRequest(null, s.userId(), null, s.id(), null)).toCompletableFuture().getNow(null);
        } catch (CompletionException e) {
            if (e.getCause() instanceof NoNodeAvailableException) {
                return null;
            }
            throw e;
        }
        if (target == null) {
            return null; // the sticky registry did not answer at once: this one goes in a later batch
        }
        // A little jitter so that a batch does not reconnect in the same millisecond.
        return ServerFrames.reconnect(ReconnectReason.DRAIN, target.url(), ThreadLocalRandom.current().nextLong(50));
    }
}

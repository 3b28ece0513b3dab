package io.wscluster;

import io.wscluster.cluster.NodeInfo;
import io.wscluster.failover.DrainOptions;
import io.wscluster.hub.Session;
import io.wscluster.protocol.CloseCode;
import io.wscluster.codec.OutboundFrame;
import io.wscluster.protocol.ReconnectReason;
import io.wscluster.codec.ServerFrames;
import io.wscluster.routing.NoNodeAvailableException;
import io.wscluster.routing.RouteRequest;
import io.wscluster.routing.Router;
import io.wscluster.transport.WsServer;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.IntSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves a node's clients away in paced batches: every {@code pace}, up to {@code batch}
 * connections per event loop get a {@code reconnect} frame naming the node chosen for them and are
 * closed with 1012; their session records stay, so a client that reconnects with {@code ?session=}
 * gets its rooms back. A drain moves every client (to the node the router picks; the draining node
 * is never one) and completes when none is left or at the deadline; a rebalance moves at most
 * {@code limit} of them to one given node. A client no node can take yet stays for a later batch.
 * Before each batch the other nodes are asked whether they take connections ({@link ServingPeers}):
 * a node that died or turned away since membership last saw it gets nobody.
 */
final class NodeDrain {
    private static final Logger log = LoggerFactory.getLogger(NodeDrain.class);

    private final WsServer server;
    private final Function<Session, NodeInfo> target;
    private final ServingPeers peers;
    private final Function<NodeInfo, String> urls;
    private final ReconnectReason reason;
    private final int limit;
    private final AtomicInteger moved = new AtomicInteger();
    private final IntSupplier connections;
    private final ScheduledExecutorService timer;
    private final CompletableFuture<Void> done = new CompletableFuture<>();

    /**
     * A drain: every client, each to the node {@code router} picks.
     *
     * @param router picks among the nodes {@code peers} last found serving
     * @param urls   the URL a reconnect frame gives for a node (its own, or the public one with a hint)
     */
    static NodeDrain drain(WsServer server, Router router, ServingPeers peers, Function<NodeInfo, String> urls, IntSupplier connections,
                           ScheduledExecutorService timer) {
        return new NodeDrain(server, s -> pick(router, s), peers, urls, ReconnectReason.DRAIN, Integer.MAX_VALUE, connections, timer);
    }

    /** A rebalance: {@code count} clients to {@code to}, while {@code peers} find it serving. */
    static NodeDrain shed(WsServer server, NodeInfo to, ServingPeers peers, Function<NodeInfo, String> urls, int count,
                          IntSupplier connections, ScheduledExecutorService timer) {
        return new NodeDrain(server, s -> peers.notServing().contains(to.id()) ? null : to, peers, urls, ReconnectReason.REBALANCE,
                count, connections, timer);
    }

    private NodeDrain(WsServer server, Function<Session, NodeInfo> target, ServingPeers peers, Function<NodeInfo, String> urls,
                      ReconnectReason reason, int limit, IntSupplier connections, ScheduledExecutorService timer) {
        this.server = server;
        this.target = target;
        this.peers = peers;
        this.urls = urls;
        this.reason = reason;
        this.limit = limit;
        this.connections = connections;
        this.timer = timer;
    }

    CompletionStage<Void> start(DrainOptions options) {
        long until = System.nanoTime() + options.timeout().toNanos();
        step(options.batch(), options.pace(), until);
        return done;
    }

    private void step(int batch, Duration pace, long until) {
        if (connections.getAsInt() == 0 || moved.get() >= limit || System.nanoTime() - until >= 0) {
            log.info("{} done: {} client(s) moved, {} connection(s) left", reason.wireName(), moved.get(), connections.getAsInt());
            done.complete(null);
            return;
        }
        Set<String> before = peers.notServing();
        peers.check().thenCompose(v -> {
            if (!peers.notServing().equals(before)) {
                log.warn("{}: node(s) {} take no connections now; the clients go elsewhere", reason.wireName(), peers.notServing());
            }
            return server.sendAway(batch, this::farewell, CloseCode.SERVICE_RESTART, reason.wireName());
        }).whenComplete((n, e) -> {
            if (e != null) {
                log.warn("{} step failed", reason.wireName(), e);
            }
            timer.schedule(() -> step(batch, pace, until), pace.toMillis(), TimeUnit.MILLISECONDS);
        });
    }

    /** The reconnect frame for one session, or null when it stays (limit reached, or no node can take it now). */
    private OutboundFrame farewell(Session s) {
        if (moved.get() >= limit) {
            return null;
        }
        NodeInfo to = target.apply(s);
        if (to == null || moved.incrementAndGet() > limit) {
            return null;
        }
        // A little jitter so that a batch does not reconnect in the same millisecond.
        return ServerFrames.reconnect(reason, urls.apply(to), ThreadLocalRandom.current().nextLong(50));
    }

    private static NodeInfo pick(Router router, Session s) {
        try {
            return router.select(new RouteRequest(null, s.userId(), null, s.id(), null)).toCompletableFuture().getNow(null);
        } catch (CompletionException e) {
            if (e.getCause() instanceof NoNodeAvailableException) {
                return null;
            }
            throw e;
        }
    }
}

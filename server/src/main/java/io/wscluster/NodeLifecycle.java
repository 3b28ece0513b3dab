package io.wscluster;

import io.wscluster.cluster.Membership;
import io.wscluster.cluster.MembershipEvent;
import io.wscluster.cluster.NodeInfo;
import io.wscluster.cluster.NodeState;
import io.wscluster.eventloops.EventLoops;
import io.wscluster.failover.FailoverCoordinator;
import io.wscluster.failover.FailoverLog;
import io.wscluster.failover.StoredSessions;
import io.wscluster.hub.Hub;
import io.wscluster.protocol.CloseCode;
import io.wscluster.protocol.ReconnectReason;
import io.wscluster.codec.ServerFrames;
import io.wscluster.resources.NodeResources;
import io.wscluster.routing.NodeDirectory;
import io.wscluster.routing.Router;
import io.wscluster.transport.ListenerTakenException;
import io.wscluster.transport.WsServer;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A wired node's life: it starts serving, then stops gracefully, drains for a deploy, sheds clients
 * to rebalance, and rejoins as new when the cluster took it for failed. The parts come from {@link
 * NodeBootstrap}; this class only moves the node between its states ({@link NodeState}).
 */
final class NodeLifecycle {
    private static final Logger log = LoggerFactory.getLogger(NodeLifecycle.class);

    private final NodeIdentity self;
    private final NodeOptions options;
    private final NodeResources resources;
    private final ClusterBackend backend;
    private final Hub hub;
    private final StoredSessions sessions;
    private final NodeDirectory directory;
    private final Router drainRouter;
    private final ServingPeers peers;
    private final FailoverCoordinator failover;
    private WsServer server;
    private final CompletableFuture<Void> stopped = new CompletableFuture<>();
    private CompletionStage<Void> draining; // guarded by this
    private boolean stopping; // guarded by this
    private InetSocketAddress address;
    private volatile Path selfSignedCertFile;

    /**
     * @param drainRouter where drained clients go: never this node nor one {@code peers} found not serving, no sticky lookups
     * @param peers       asked before each batch of a drain or rebalance which nodes take connections
     */
    NodeLifecycle(NodeIdentity self, NodeResources resources, ClusterBackend backend, Hub hub, StoredSessions sessions,
                  NodeDirectory directory, Router drainRouter, ServingPeers peers, FailoverCoordinator failover) {
        this.self = self;
        this.options = self.options();
        this.resources = resources;
        this.backend = backend;
        this.hub = hub;
        this.sessions = sessions;
        this.directory = directory;
        this.drainRouter = drainRouter;
        this.peers = peers;
        this.failover = failover;
    }

    /**
     * Binds {@code server} and turns the node active: its load sampled each second, its sessions'
     * resume positions recorded each heartbeat, its membership registered and watched.
     *
     * @throws StartupException when the port is taken or the TLS files cannot be used; everything built so far is closed
     */
    void serve(WsServer server) {
        this.server = server;
        try {
            address = server.start();
        } catch (ListenerTakenException e) {
            abandon();
            throw new StartupException(e.getMessage());
        } catch (IllegalArgumentException e) {
            abandon(); // the TLS certificate and key, or a host that is not one, named in the message
            throw new StartupException(e.getMessage());
        } catch (BindException e) {
            abandon();
            throw new StartupException("port: " + options.transport().port() + " could not be bound on " + options.transport().host()
                    + " (" + e.getMessage() + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            abandon();
            throw new StartupException("interrupted while starting");
        }
        self.servingOn(address.getPort(), server.operatorAddress().getPort());
        if (server.selfSignedCertificate() != null) {
            selfSignedCertFile = SelfSignedCertFile.write(self.id(), server.selfSignedCertificate());
        }
        resources.scheduler().scheduleAtFixedRate(self::sample, 1, 1, TimeUnit.SECONDS);
        long period = options.bus().heartbeat().toMillis();
        resources.scheduler().scheduleAtFixedRate(() -> sessions.recordPositions(hub), period, period, TimeUnit.MILLISECONDS);
        self.state(NodeState.ACTIVE);
        Membership membership = backend.membership();
        membership.addListener(e -> {
            if (e.type() == MembershipEvent.Type.LEAVE) {
                failover.leftInGoodOrder(e.nodeId());
            }
        });
        membership.onRegistrationLost(this::rejoinAsNew);
        directory.start();
        log.info("node {} serving {} ({} transport, {})", self.id(), self.url(), EventLoops.name(), backend.description());
        if (server.agentAddress() != null) {
            log.info("node {}: HAProxy agent-check on {}", self.id(), server.agentAddress());
        }
    }

    private void abandon() {
        backend.close();
        resources.close();
    }

    int port() {
        return address.getPort();
    }

    /** Where the self-signed certificate was written ({@link SelfSignedCertFile}); null without one. */
    Path selfSignedCertFile() {
        return selfSignedCertFile;
    }

    /**
     * Stops gracefully: {@code /ready} turns 503 and new upgrades are refused, every client gets
     * {@code reconnect} (reason {@code shutdown}) and close 1001, and the node waits for the
     * connections to close, at most the shutdown timeout, before cutting what remains and closing
     * the listener. Idempotent; completes when the node is offline.
     */
    synchronized CompletionStage<Void> stop() {
        if (stopping) {
            return stopped;
        }
        stopping = true;
        self.state(NodeState.DRAINING);
        // Spread the reconnects so a restarting fleet is not hit by every client at once.
        long spread = Math.min(1000, options.drain().shutdownTimeout().toMillis() / 4);
        server.closeAll(ServerFrames.reconnect(ReconnectReason.SHUTDOWN, null,
                spread <= 0 ? 0 : ThreadLocalRandom.current().nextLong(spread)), CloseCode.GOING_AWAY, "shutdown");
        // What follows blocks (closing event loops, Redis): never on an event loop, which completes the wait.
        Executor own = r -> new Thread(r, "wsc-stop-" + self.id()).start();
        hub.whenEmpty().toCompletableFuture()
                .orTimeout(options.drain().shutdownTimeout().toMillis(), TimeUnit.MILLISECONDS)
                .handle((v, timedOut) -> null)
                .thenRunAsync(this::offline, own);
        return stopped;
    }

    private void offline() {
        try {
            int left = hub.metrics().connections();
            if (left > 0) {
                log.warn("shutdown timeout reached with {} connections open: cutting them", left);
            }
            resources.close(); // nothing of this node runs on its scheduler from here on
            directory.close();
            server.stopAccepting();
            server.shutdown();
            settleOwnLease();
            backend.close();
            self.state(NodeState.OFFLINE);
            log.info("node {} stopped", self.id());
        } finally {
            stopped.complete(null);
        }
    }

    /** Completes once the node has stopped. */
    CompletionStage<Void> stopped() {
        return stopped;
    }

    /**
     * Drains the node for a deploy: {@code /ready} turns 503 and new upgrades are refused at once,
     * then the clients are sent to other nodes in paced batches ({@code drain-batch} per event loop
     * every {@code drain-pace}), each with a {@code reconnect} frame naming its new node; when none
     * is left, or at {@code drain-timeout}, the node stops. Idempotent; completes when stopped.
     */
    synchronized CompletionStage<Void> drain() {
        if (draining == null) {
            if (!self.moveState(NodeState.ACTIVE, NodeState.DRAINING)) {
                return stopped;
            }
            log.info("node {} draining {} connection(s)", self.id(), hub.metrics().connections());
            directory.refreshNow();
            draining = NodeDrain.drain(server, drainRouter, peers, self::reconnectUrl, hub.metrics()::connections, resources.scheduler())
                    .start(options.drain())
                    .thenCompose(v -> stop());
        }
        return draining;
    }

    /**
     * Rebalances: sends {@code count} of this node's clients to node {@code to}, paced as a drain,
     * each with a {@code reconnect} frame (reason {@code rebalance}) naming it. The node stays active.
     *
     * @throws IllegalArgumentException when {@code to} is not a node that takes connections
     */
    CompletionStage<Void> shed(int count, String to) {
        NodeInfo target = directory.nodes().stream().filter(n -> n.id().equals(to) && n.accepting() && !n.id().equals(self.id()))
                .findFirst().orElseThrow(() -> new IllegalArgumentException("node '" + to + "' is not another node that takes connections"));
        log.info("node {} rebalancing: {} client(s) to {}", self.id(), count, to);
        return NodeDrain.shed(server, target, peers, self::reconnectUrl, count, hub.metrics()::connections, resources.scheduler())
                .start(options.drain());
    }

    /**
     * Tells the survivors that this node leaves in good order, before it vanishes from membership:
     * its failover lease is settled, so none of them takes it for failed (the membership's leave
     * announcement says the same, but a survivor may miss it).
     */
    private void settleOwnLease() {
        try {
            backend.failovers.settle(FailoverLog.incarnation(self.info()), "left", FailoverCoordinator.SETTLED_TTL)
                    .toCompletableFuture().get(2, TimeUnit.SECONDS);
        } catch (Exception e) {
            log.debug("could not mark node {} as leaving in good order: {}", self.id(), e.toString());
        }
    }

    /**
     * This node's membership record was gone at a heartbeat (a freeze, a long pause or a network
     * cut longer than the failure-detection time). When another node took over its failover, the
     * cluster has moved its sessions: it drops its clients (reconnect, reason failover, close 1012)
     * so that they follow their new mappings and resume their sessions, rather than carrying on
     * with stale state. When nobody did (a late heartbeat nobody acted on), a delayed failover
     * saw it return within its grace period, or the failover moved no session (no mapping pointed
     * here: nobody is sent anywhere else), it keeps them.
     */
    private void rejoinAsNew() {
        int clients = hub.metrics().connections();
        backend.failovers.lease(FailoverLog.incarnation(self.info())).thenCompose(lease -> {
            if (lease.state() == FailoverLog.Lease.State.HELD) {
                return CompletableFuture.completedFuture(true);
            }
            if (lease.state() != FailoverLog.Lease.State.SETTLED || !"done".equals(lease.detail())) {
                return CompletableFuture.completedFuture(false);
            }
            return backend.failovers.recent(50).thenApply(records -> records.stream()
                    .filter(r -> r.failedNode().equals(self.id()))
                    .findFirst().map(r -> r.sessionsMoved() > 0).orElse(true));
        }).whenComplete((taken, e) -> {
            if (e != null || !taken) {
                log.warn("node {} was away longer than the failure-detection time, but no failover of it is under way:"
                        + " keeping its {} client(s)", self.id(), clients);
                return;
            }
            log.warn("node {} was declared failed while it was away: sending its {} client(s) to reconnect", self.id(), clients);
            server.closeAll(ServerFrames.reconnect(ReconnectReason.FAILOVER, null, ThreadLocalRandom.current().nextLong(500)),
                    CloseCode.SERVICE_RESTART, "failover");
        });
    }
}

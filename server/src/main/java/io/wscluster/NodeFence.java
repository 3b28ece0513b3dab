package io.wscluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.wscluster.cluster.Membership;
import io.wscluster.cluster.NodeInfo;
import io.wscluster.cluster.NodeState;
import io.wscluster.protocol.CloseCode;
import io.wscluster.protocol.ReconnectReason;
import io.wscluster.codec.ServerFrames;
import io.wscluster.transport.WsServer;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends this node's clients to the rest of the cluster while this node is cut off from Redis and
 * the others are not: past a lease without a heartbeat of its own the cluster has taken it for
 * dead, and a client served here would get nothing published elsewhere. Once its heartbeats get
 * through again it takes connections again; its clients find their sessions wherever they went.
 *
 * <p>Cut off, or Redis down? A node cannot tell from its side alone, and a Redis that is down for
 * everyone must not empty every node at once (the clients could go nowhere better). So it asks its
 * peers, as last known, for their {@code /health}: it fences itself only when one of them answers
 * that its own heartbeats get through and have for a lease ({@link #redisHealth}) and that it no
 * longer lists this node (its record lapsed: the cluster has taken it for dead; a node whose beats
 * are only slow keeps its record and its clients) in a view that has been sound for a lease
 * ({@link #health}), and sends its clients there ({@code reconnect}, reason
 * {@code isolated}, close 1012). Peers it cannot reach, or that cannot reach Redis either, leave it
 * serving as it is. While fenced it is {@link NodeState#FENCED}: {@code /ready} answers 503 and
 * upgrades are refused with 503 and {@code Retry-After}.
 *
 * <p>Checked every heartbeat on the node's scheduler; one round of questions at a time.
 */
final class NodeFence {
    private static final Logger log = LoggerFactory.getLogger(NodeFence.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final NodeIdentity self;
    private final Membership membership;
    private final Supplier<List<NodeInfo>> peers;
    private final WsServer server;
    private final Function<URI, CompletionStage<String>> http;
    private final long periodMillis;
    private final long leaseNanos;
    private final AtomicBoolean asking = new AtomicBoolean();

    /**
     * @param peers the cluster as last known (it is kept while Redis cannot be read)
     * @param http  GETs a URL, completing with the body of a 2xx answer
     */
    NodeFence(NodeIdentity self, Membership membership, Supplier<List<NodeInfo>> peers, WsServer server,
              Function<URI, CompletionStage<String>> http, Duration heartbeat) {
        this.self = self;
        this.membership = membership;
        this.peers = peers;
        this.server = server;
        this.http = http;
        this.periodMillis = heartbeat.toMillis();
        this.leaseNanos = heartbeat.multipliedBy(3).toNanos();
    }

    /** Checks every heartbeat from now on. */
    void start(ScheduledExecutorService scheduler) {
        scheduler.scheduleAtFixedRate(this::check, periodMillis, periodMillis, TimeUnit.MILLISECONDS);
    }

    /**
     * The body of this node's {@code /health}: {@code {"status":"ok","redis":...}} (see
     * {@link #redisHealth}), and, when asked about a node id ({@code ?member=}), whether this node
     * still counts it among the cluster's nodes: {@code "member":false} only when its view {@code
     * nodes} does not list it and has been sound for a lease ({@code viewSound}, as the failover
     * coordinator judges). Why the lease: a record that lapsed while this node could not read the
     * cluster may only mean that its node could not write it either. On a Redis Cluster that is a
     * failover of the shard holding the record: its node's heartbeats fail until its client follows
     * the new master, while this node, whose own record lives on another shard, stays healthy; the
     * node asking must not take that for being cut off and send its clients away.
     */
    static String health(Membership membership, Duration heartbeat, List<NodeInfo> nodes, boolean viewSound, String member) {
        String body = "{\"status\":\"ok\",\"redis\":\"" + redisHealth(membership, heartbeat) + "\"";
        if (member != null) {
            body += ",\"member\":" + (!viewSound || nodes.stream().anyMatch(n -> n.id().equals(member)));
        }
        return body + "}";
    }

    /**
     * What this node's {@code /health} says of its link to Redis: {@code ok} when its last heartbeat
     * got through within one and a half periods (a healthy node beats every period) and its link has
     * been sound for a lease; {@code recovering} when it is back but not for a lease yet;
     * {@code unreachable} otherwise. Both conditions are stricter than the lease a node fences itself
     * after, on purpose: when Redis failed for everyone, a peer whose link came back a little earlier
     * must not make this node send its clients away while this node is reconnecting too.
     */
    static String redisHealth(Membership membership, Duration heartbeat) {
        long now = System.nanoTime();
        long last = membership.lastHeartbeatNanos();
        if (last == Membership.NOT_HEALTHY || now - last > heartbeat.multipliedBy(3).toNanos() / 2) {
            return "unreachable";
        }
        return Membership.healthyFor(membership.healthySinceNanos(), heartbeat.multipliedBy(3).toNanos()) ? "ok" : "recovering";
    }

    private void check() {
        long last = membership.lastHeartbeatNanos();
        if (last == Membership.NOT_HEALTHY) {
            return; // not registered yet
        }
        boolean cutOff = System.nanoTime() - last > leaseNanos;
        if (!cutOff) {
            if (self.moveState(NodeState.FENCED, NodeState.ACTIVE)) {
                log.warn("node {}: Redis answers again: taking connections again", self.id());
            }
            return;
        }
        if (self.info().state() == NodeState.ACTIVE && asking.compareAndSet(false, true)) {
            askPeers().whenComplete((healthy, e) -> {
                asking.set(false);
                if (healthy != null) {
                    fence(healthy);
                }
            });
        }
    }

    /** A peer that answers it reaches Redis; null when none does (each answers within the probe's timeout). */
    private CompletionStage<NodeInfo> askPeers() {
        List<CompletableFuture<NodeInfo>> answers = new ArrayList<>();
        for (NodeInfo n : peers.get()) {
            if (n.id().equals(self.id()) || n.url() == null) {
                continue;
            }
            answers.add(http.apply(healthUrl(n, self.id())).toCompletableFuture()
                    .thenApply(body -> hasFailedThisNode(body) ? n : null)
                    .exceptionally(e -> null));
        }
        return CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new)).thenApply(v -> answers.stream()
                .map(CompletableFuture::join).filter(java.util.Objects::nonNull).findFirst().orElse(null));
    }

    private void fence(NodeInfo healthy) {
        if (!self.moveState(NodeState.ACTIVE, NodeState.FENCED)) {
            return;
        }
        log.warn("node {}: no heartbeat of its own got through to Redis for {} ms while node {} reaches it: sending its clients"
                + " there and taking no new ones until Redis answers", self.id(), leaseNanos / 1_000_000, healthy.id());
        server.closeAll(ServerFrames.reconnect(ReconnectReason.ISOLATED, self.reconnectUrl(healthy),
                ThreadLocalRandom.current().nextLong(500)), CloseCode.SERVICE_RESTART, "isolated from Redis");
    }

    /** {@code ws://host:port/ws} to {@code http://host:port/health?member=<id>}; wss to https. */
    static URI healthUrl(NodeInfo n, String member) {
        return ServingPeers.peerUrl(n, "/health?member=" + java.net.URLEncoder.encode(member, java.nio.charset.StandardCharsets.UTF_8));
    }

    /** Whether a peer's answer says it reaches Redis and no longer lists this node: the cluster has taken it for dead. */
    private static boolean hasFailedThisNode(String body) {
        try {
            JsonNode h = JSON.readTree(body);
            return "ok".equals(h.path("redis").asText()) && h.has("member") && !h.path("member").asBoolean(true);
        } catch (Exception e) {
            return false;
        }
    }
}

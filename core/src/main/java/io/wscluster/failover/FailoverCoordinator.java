package io.wscluster.failover;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.wscluster.cluster.NodeInfo;
import io.wscluster.cluster.NodeState;
import io.wscluster.routing.NoNodeAvailableException;
import io.wscluster.routing.RouteRequest;
import io.wscluster.routing.Router;
import io.wscluster.routing.StickyRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs on every node and notices when another node fails: it was active at the last look and is
 * gone from membership now (three missed heartbeats), without having announced that it left. The
 * node that takes the lease on the failed node ({@link FailoverLog#claim}) handles it alone, even
 * when every survivor notices at once: it records the failover, takes the failed node's sticky
 * mappings, chooses a target for each with the router (no stickiness, so they spread as the
 * algorithm says), moves them, and records the outcome. Clients, which reconnect by themselves
 * (the gateway closes them with 1012; the SDK retries), are then placed on those targets and
 * resume their sessions there.
 *
 * <p>It judges only while its own link to the registry is sound: while this node's own heartbeats
 * fail, and for a lease (three heartbeats) after they succeed again, nobody is declared failed. A
 * Redis that stalled, restarted empty, or refused writes (memory full) lost every node's record or
 * kept every node from renewing it, this node's too; the others are not dead, and need a lease to
 * heartbeat again. Nodes still missing once that lease is over are judged against the view from
 * before the outage.
 *
 * <p>Detection is level-triggered: a failed node stays pending on every survivor until its lease is
 * settled (the failover is over, or the node had left in good order) or the node is back. The
 * coordinator renews its lease while the failover runs; if it dies midway, the lease lapses, the
 * next survivor to ask takes it, runs the failover again and marks the dead coordinator's record
 * {@code abandoned}.
 *
 * <p>Strategies: see {@link FailoverStrategy}. Metrics: {@code wsc_failover_duration} (histogram),
 * {@code wsc_failover_sessions_migrated}, {@code wsc_failover_failures}. Thread-safe.
 */
public final class FailoverCoordinator {
    private static final Logger log = LoggerFactory.getLogger(FailoverCoordinator.class);
    /** How long a settled lease keeps anyone from handling that node again: longer than any survivor keeps it pending. */
    public static final Duration SETTLED_TTL = Duration.ofMinutes(10);
    /** How long a survivor keeps asking for the lease of a failed node that nobody settles. */
    static final Duration PENDING_LIMIT = Duration.ofMinutes(5);

    private final String nodeId;
    private final FailoverOptions options;
    private final Supplier<List<NodeInfo>> nodes;
    private final StickyRegistry sticky;
    private final Router targets;
    private final FailoverLog failovers;
    private final ScheduledExecutorService timer;
    private final Timer duration;
    private final Counter migrated;
    private final Counter failures;
    private final java.util.concurrent.atomic.AtomicInteger running = new java.util.concurrent.atomic.AtomicInteger();
    private final Set<String> leftInGoodOrder = ConcurrentHashMap.newKeySet();
    /** This node's own link: since when its heartbeats succeed ({@link io.wscluster.cluster.Membership#healthySinceNanos()}). */
    private final java.util.function.LongSupplier healthySince;
    /** How long the others need to heartbeat again after this node's link came back: a lease. */
    private final long judgeAfterNanos;
    /** Failed nodes not yet settled, by incarnation. */
    private final Map<String, Pending> pending = new ConcurrentHashMap<>();
    private Map<String, NodeInfo> lastSeen = Map.of(); // on the timer's thread only

    /** A failed node this survivor keeps asking about; one question at a time. */
    private static final class Pending {
        final NodeInfo node;
        final long since = System.nanoTime();
        final java.util.concurrent.atomic.AtomicBoolean asking = new java.util.concurrent.atomic.AtomicBoolean();

        Pending(NodeInfo node) {
            this.node = node;
        }
    }

    /**
     * @param nodes   the cluster as last read (e.g. a node directory), looked at every {@code period}
     * @param targets a router without stickiness, to spread the moved sessions
     */
    public FailoverCoordinator(String nodeId, FailoverOptions options, Supplier<List<NodeInfo>> nodes,
                               java.util.function.LongSupplier healthySince, StickyRegistry sticky,
                               Router targets, FailoverLog failovers, ScheduledExecutorService timer, Duration period,
                               MeterRegistry registry) {
        this.nodeId = Objects.requireNonNull(nodeId, "nodeId");
        this.options = Objects.requireNonNull(options, "options");
        this.nodes = Objects.requireNonNull(nodes, "nodes");
        this.healthySince = Objects.requireNonNull(healthySince, "healthySince");
        this.judgeAfterNanos = period.multipliedBy(3).toNanos();
        this.sticky = Objects.requireNonNull(sticky, "sticky");
        this.targets = Objects.requireNonNull(targets, "targets");
        this.failovers = Objects.requireNonNull(failovers, "failovers");
        this.timer = Objects.requireNonNull(timer, "timer");
        this.duration = Timer.builder("wsc_failover_duration").description("Failovers this node coordinated, from detection to the last session moved")
                .publishPercentileHistogram().register(registry);
        this.migrated = Counter.builder("wsc_failover_sessions_migrated").description("Sessions moved off failed nodes by this node")
                .register(registry);
        this.failures = Counter.builder("wsc_failover_failures").description("Failovers this node could not complete").register(registry);
        io.micrometer.core.instrument.Gauge.builder("wsc_failovers_running", running, java.util.concurrent.atomic.AtomicInteger::get)
                .description("Failovers this node is coordinating now").register(registry);
        timer.scheduleAtFixedRate(this::look, period.toMillis(), period.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** {@code id} announced that it left (drained or stopped): its disappearance is no failure. */
    public void leftInGoodOrder(String id) {
        leftInGoodOrder.add(id);
    }

    /** Whether this node's own link has been sound for a lease: only then does a missing node count as failed. */
    private boolean judging() {
        return io.wscluster.cluster.Membership.healthyFor(healthySince.getAsLong(), judgeAfterNanos);
    }

    private void look() {
        try {
            if (!judging()) {
                return; // lastSeen stays the view from before: nodes still missing afterwards are judged then
            }
            Map<String, NodeInfo> now = new HashMap<>();
            for (NodeInfo n : nodes.get()) {
                now.put(n.id(), n);
            }
            for (NodeInfo before : lastSeen.values()) {
                if (!now.containsKey(before.id()) && !before.id().equals(nodeId)) {
                    boolean failed = before.state() == NodeState.ACTIVE && !leftInGoodOrder.remove(before.id());
                    if (failed) {
                        pending.putIfAbsent(FailoverLog.incarnation(before), new Pending(before));
                    }
                }
            }
            lastSeen = now;
            pending.forEach((incarnation, p) -> {
                NodeInfo back = now.get(p.node.id());
                if (back != null && back.startedAtMillis() == p.node.startedAtMillis()) {
                    pending.remove(incarnation); // it came back before anyone took it (a late heartbeat)
                } else if (System.nanoTime() - p.since > PENDING_LIMIT.toNanos()) {
                    pending.remove(incarnation);
                    log.warn("node {} failed {} ago and nobody settled its failover; no longer watching it", p.node.id(), PENDING_LIMIT);
                } else if (p.asking.compareAndSet(false, true)) {
                    ask(incarnation, p);
                }
            });
        } catch (RuntimeException e) {
            log.warn("failure detection step failed", e);
        }
    }

    /** Takes the lease if it is free and runs the failover; forgets the node once its lease is settled. */
    private void ask(String incarnation, Pending p) {
        failovers.claim(incarnation, nodeId, options.leaseTtl()).thenCompose(mine -> {
            if (mine) {
                pending.remove(incarnation);
                run(incarnation, p.node.id());
                return done(null);
            }
            return failovers.lease(incarnation).thenApply(lease -> {
                if (lease.state() == FailoverLog.Lease.State.SETTLED) {
                    pending.remove(incarnation);
                }
                return null;
            });
        }).whenComplete((v, e) -> {
            if (e != null) {
                log.warn("cannot ask for the failover lease of node {} (asking again next period): {}", p.node.id(), e.toString());
            }
            p.asking.set(false);
        });
    }

    private void run(String incarnation, String failed) {
        long started = System.nanoTime();
        FailoverRecord r = new FailoverRecord(UUID.randomUUID().toString(), failed, nodeId, options.strategy().wireName(), 0,
                Map.of(), System.currentTimeMillis(), 0, "running");
        log.warn("node {} failed: this node coordinates its failover ({}, strategy {})", failed, r.id(), r.strategy());
        running.incrementAndGet();
        abandonEarlierRuns(failed);
        retried(() -> failovers.record(r));
        long every = Math.max(1, options.leaseTtl().toMillis() / 3);
        var renewing = timer.scheduleAtFixedRate(() -> failovers.renew(incarnation, nodeId, options.leaseTtl()).whenComplete((kept, e) -> {
            if (e == null && !kept) {
                log.warn("failover {}: the lease on node {} lapsed (this node was too slow to renew it); another node may run it too",
                        r.id(), failed);
            }
        }), every, every, TimeUnit.MILLISECONDS);
        CompletionStage<String> wait = options.strategy() == FailoverStrategy.DELAYED ? after(options.grace()) : done("");
        wait.thenCompose(v -> {
            if (options.strategy() == FailoverStrategy.DELAYED && nodes.get().stream().anyMatch(n -> n.id().equals(failed))) {
                return CompletableFuture.completedFuture(new Moved(0, Map.of(), "returned"));
            }
            return retried(() -> sticky.keysOf(failed)).thenCompose(keys -> move(failed, keys));
        }).whenComplete((moved, e) -> {
            renewing.cancel(false);
            running.decrementAndGet();
            FailoverRecord end = e == null ? r.ended(moved.count, moved.targets, moved.outcome)
                    : r.ended(0, Map.of(), "failed: " + e);
            if (e != null) {
                failures.increment();
                log.warn("failover {} of node {} failed after {} attempts of a step; its lease lapses for another node to try",
                        r.id(), failed, options.attempts(), e);
            } else {
                migrated.increment(moved.count);
                log.info("failover {} of node {}: {} session(s) moved {}", r.id(), failed, moved.count, moved.targets);
            }
            duration.record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
            retried(() -> failovers.record(end));
            if (e == null) {
                retried(() -> failovers.settle(incarnation, moved.outcome, SETTLED_TTL));
            } // else the lease lapses, and another survivor tries
        });
    }

    /** A Redis step of a failover, tried {@link FailoverOptions#attempts} times with backoff. */
    private <T> CompletionStage<T> retried(Supplier<CompletionStage<T>> step) {
        return options.retry().retry(step, e -> true, options.attempts(), timer);
    }

    /** A record of {@code failed} still running under another coordinator: that coordinator lost the lease, most likely by dying. */
    private void abandonEarlierRuns(String failed) {
        failovers.recent(50).thenAccept(list -> list.stream()
                .filter(old -> old.failedNode().equals(failed) && old.endedAtMillis() == 0 && !old.coordinator().equals(nodeId))
                .forEach(old -> failovers.record(old.ended(old.sessionsMoved(), old.targets(),
                        "abandoned: coordinator " + old.coordinator() + " stopped renewing its lease"))));
    }

    private record Moved(int count, Map<String, Integer> targets, String outcome) {
    }

    /** Moves {@code keys} (all at once, or in paced batches for graceful) and counts where they went. */
    private CompletionStage<Moved> move(String failed, List<String> keys) {
        Map<String, Integer> to = new ConcurrentHashMap<>();
        int step = options.strategy() == FailoverStrategy.GRACEFUL ? options.batch() : Math.max(1, keys.size());
        CompletionStage<Void> chain = CompletableFuture.completedFuture(null);
        for (int from = 0; from < keys.size(); from += step) {
            List<String> slice = keys.subList(from, Math.min(keys.size(), from + step));
            boolean first = from == 0;
            chain = chain.thenCompose(v -> first ? done(null) : after(options.pace()))
                    .thenCompose(v -> moveAll(slice, to));
        }
        return chain.thenApply(v -> new Moved(to.values().stream().mapToInt(Integer::intValue).sum(), Map.copyOf(to), "done"));
    }

    private CompletionStage<Void> moveAll(List<String> keys, Map<String, Integer> to) {
        List<CompletableFuture<?>> sent = new ArrayList<>(keys.size());
        for (String key : keys) {
            NodeInfo target;
            try {
                target = targets.select(RouteRequest.of(null, null, null)).toCompletableFuture().join();
            } catch (RuntimeException e) {
                if (e.getCause() instanceof NoNodeAvailableException) {
                    continue; // nowhere to go: the mapping expires, the client is placed when it comes
                }
                throw e;
            }
            to.merge(target.id(), 1, Integer::sum);
            sent.add(retried(() -> sticky.assign(key, target.id())).toCompletableFuture());
        }
        return CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new));
    }

    private CompletionStage<String> after(Duration d) {
        CompletableFuture<String> f = new CompletableFuture<>();
        timer.schedule(() -> f.complete(""), d.toMillis(), TimeUnit.MILLISECONDS);
        return f;
    }

    private static <T> CompletionStage<T> done(T value) {
        return CompletableFuture.completedFuture(value);
    }
}

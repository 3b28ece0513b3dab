package io.wscluster.routing;

import io.wscluster.cluster.Membership;
import io.wscluster.cluster.MembershipEvent;
import io.wscluster.cluster.NodeInfo;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cluster's nodes as last read from membership, re-read every period (a heartbeat), at once
 * on every membership event, and on {@link #refreshNow()}. Readers get the last snapshot without
 * waiting; listeners hear which nodes appeared and which vanished. When membership cannot be read
 * (Redis down), the last snapshot stays: an outage of the registry is not a death of the nodes.
 * Reads are issued on the node's scheduler and never wait on membership. Thread-safe.
 */
public final class NodeDirectory implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(NodeDirectory.class);

    /** One refresh's outcome: the nodes now, and the ids that appeared and vanished since the last. */
    public record Change(List<NodeInfo> nodes, Set<String> added, Set<String> removed) {
    }

    private final Membership membership;
    private final Duration period;
    private final ScheduledExecutorService scheduler;
    private final List<Consumer<Change>> listeners = new CopyOnWriteArrayList<>();
    private final Consumer<MembershipEvent> onEvent = event -> refreshNow();
    private final AtomicBoolean refreshing = new AtomicBoolean();
    private final AtomicBoolean again = new AtomicBoolean();
    private volatile List<NodeInfo> nodes = List.of();
    private volatile boolean failing;
    /** The error of the last read when it failed, else null. */
    private volatile String readError;
    /** When the last successful read completed ({@link System#currentTimeMillis()}); 0 before the first. */
    private volatile long readAtMillis;
    /** When the reads last became sound: System.nanoTime() of the first success after a failure (or of the creation). */
    private volatile long soundSince = System.nanoTime();
    private volatile boolean closed;
    private ScheduledFuture<?> ticks; // guarded by this

    /**
     * @param membership read every period and on each of its events (the directory listens from
     *                   {@link #start()} to {@link #close()})
     * @param scheduler  the node's scheduler, on which the reads are issued; never shut down here
     */
    public NodeDirectory(Membership membership, Duration period, ScheduledExecutorService scheduler) {
        this.membership = Objects.requireNonNull(membership, "membership");
        this.period = Objects.requireNonNull(period, "period");
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
    }

    /** Reads membership now and then every period and on every event; completes after the first read (even a failed one). */
    public synchronized CompletionStage<Void> start() {
        CompletableFuture<Void> first = new CompletableFuture<>();
        scheduler.execute(() -> refresh().whenComplete((v, e) -> first.complete(null)));
        ticks = scheduler.scheduleAtFixedRate(this::refreshNow, period.toMillis(), period.toMillis(), TimeUnit.MILLISECONDS);
        membership.addListener(onEvent);
        return first;
    }

    /** The nodes as last read, ordered by id. */
    public List<NodeInfo> nodes() {
        return nodes;
    }

    /** Why the last read of membership failed, or null when it succeeded: {@link #nodes} is then the last view read. */
    public String readError() {
        return readError;
    }

    /** When {@link #nodes} was read (epoch milliseconds); 0 when no read has succeeded yet. */
    public long readAtMillis() {
        return readAtMillis;
    }

    /** Hears every refresh that changed the set of nodes, on the directory's thread or Redis's; keep it quick. */
    public void addListener(Consumer<Change> listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    /**
     * Whether this view has been sound ({@link #soundSinceNanos()}) for at least {@code window}. A
     * node that vanished from a read right after the reads came back (Redis restarted empty, or was
     * frozen longer than a lease) is not yet known to be dead: every record lapsed at once, and the
     * nodes need a lease to heartbeat again.
     */
    public boolean soundFor(Duration window) {
        return Membership.healthyFor(soundSinceNanos(), window.toNanos());
    }

    /**
     * Since when this view of the cluster has been sound ({@link System#nanoTime()}, or a
     * {@link Membership} constant): the reads neither failed nor lost half the cluster at once,
     * and the membership's own link and heartbeats have been healthy ({@link Membership#healthySinceNanos()}).
     */
    public long soundSinceNanos() {
        return Membership.later(failing ? Membership.NOT_HEALTHY : soundSince, membership.healthySinceNanos());
    }

    private static boolean lostHalf(Set<String> before, Set<String> after) {
        int lost = 0;
        for (String id : before) {
            if (!after.contains(id)) {
                lost++;
            }
        }
        return lost * 2 >= before.size();
    }

    /** Re-reads membership soon (coalesced with a read in flight); does nothing once closed. */
    public void refreshNow() {
        if (closed) {
            return;
        }
        if (refreshing.get()) {
            again.set(true);
            return;
        }
        try {
            scheduler.execute(this::refresh);
        } catch (RejectedExecutionException e) {
            // The node's scheduler is shut down: the node is stopping, nothing will read the directory again.
        }
    }

    private CompletionStage<Void> refresh() {
        if (!refreshing.compareAndSet(false, true)) {
            again.set(true);
            return CompletableFuture.completedFuture(null);
        }
        return membership.nodes().handle((now, e) -> {
            if (e != null) {
                if (!failing) {
                    log.warn("cannot read the cluster's nodes, keeping the last {} known: {}", nodes.size(), e.toString());
                }
                failing = true;
                readError = ClusterReport.readError(e);
            } else {
                if (failing) {
                    soundSince = System.nanoTime();
                }
                failing = false;
                readError = null;
                readAtMillis = System.currentTimeMillis();
                apply(now);
            }
            refreshing.set(false);
            if (again.getAndSet(false)) {
                refreshNow();
            }
            return null;
        });
    }

    private void apply(List<NodeInfo> now) {
        Set<String> before = ids(nodes);
        Set<String> after = ids(now);
        if (before.size() > 1 && lostHalf(before, after)) {
            // Half the cluster or more gone in one read is far likelier a Redis that lost its records
            // (a restart too quick for a read to fail) than half the nodes dying together: not sound yet.
            soundSince = System.nanoTime();
        }
        nodes = List.copyOf(now);
        Set<String> added = new HashSet<>(after);
        added.removeAll(before);
        Set<String> removed = new HashSet<>(before);
        removed.removeAll(after);
        if (added.isEmpty() && removed.isEmpty()) {
            return;
        }
        Change change = new Change(nodes, Set.copyOf(added), Set.copyOf(removed));
        for (Consumer<Change> l : listeners) {
            try {
                l.accept(change);
            } catch (RuntimeException x) {
                log.warn("node directory listener failed", x);
            }
        }
    }

    private static Set<String> ids(List<NodeInfo> nodes) {
        Set<String> ids = new HashSet<>();
        for (NodeInfo n : nodes) {
            ids.add(n.id());
        }
        return ids;
    }

    @Override
    public synchronized void close() {
        closed = true;
        membership.removeListener(onEvent);
        if (ticks != null) {
            ticks.cancel(false);
        }
    }
}

package io.wscluster.cluster;

import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Membership without Redis: the nodes of this process. A node alone is a cluster of one; nodes
 * that share a {@link Registry} (the in-process demo) see each other.
 *
 * <p>Events mean what they mean on Redis. A node announces {@code join} when it joins the
 * registry, {@code leave} when its membership is closed (the node stops or drains), and
 * {@code update} when its state differs from the one it last announced. Nodes here do not write
 * a record every heartbeat; instead the registry reads every node's figures each period (the
 * heartbeat) on its scheduler, as a Redis heartbeat reads them, so a change of state is heard
 * within a heartbeat, as on Redis. Events are delivered on that scheduler, in the order they
 * happened. Nothing here can lose a node's registration, so {@link #onRegistrationLost} never fires.
 */
public final class LocalMembership implements Membership, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(LocalMembership.class);

    private final Registry registry;
    /** This node's entry; null for an observer. */
    private final Registry.Member self;
    private final boolean ownsRegistry;
    /** This membership's listeners, dropped from the registry when it closes. */
    private final List<Consumer<MembershipEvent>> listeners = new CopyOnWriteArrayList<>();
    private final AtomicBoolean closed = new AtomicBoolean();

    /**
     * A cluster of one.
     *
     * @param self      this node's current figures, read at every check (keep it quick); its id never changes
     * @param scheduler runs the state check every {@code period} and delivers events; never shut down here
     * @param period    time between two checks of the node's state: the heartbeat
     */
    public LocalMembership(Supplier<NodeInfo> self, ScheduledExecutorService scheduler, Duration period) {
        this(new Registry(scheduler, period), self, true);
    }

    private LocalMembership(Registry registry, Supplier<NodeInfo> self, boolean ownsRegistry) {
        this.registry = registry;
        this.ownsRegistry = ownsRegistry;
        this.self = self == null ? null : registry.add(self);
    }

    @Override
    public CompletionStage<List<NodeInfo>> nodes() {
        return CompletableFuture.completedFuture(registry.nodes());
    }

    @Override
    public void addListener(Consumer<MembershipEvent> listener) {
        Objects.requireNonNull(listener, "listener");
        listeners.add(listener);
        registry.listeners.add(listener);
    }

    @Override
    public void removeListener(Consumer<MembershipEvent> listener) {
        listeners.remove(listener);
        registry.listeners.remove(listener);
    }

    /** Never called: the registry is this process's memory, which cannot lose a node that is still running. */
    @Override
    public void onRegistrationLost(Runnable action) {
        Objects.requireNonNull(action, "action");
    }

    /** Leaves the registry, announcing {@code leave} to the others; its own listeners hear no more. Idempotent. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        registry.listeners.removeAll(listeners);
        if (self != null) {
            registry.remove(self);
        }
        if (ownsRegistry) {
            registry.close();
        }
    }

    /**
     * The nodes of one process, checked every period on a scheduler the owner provides and shuts
     * down. Thread-safe.
     */
    public static final class Registry implements AutoCloseable {
        /** One node: its figures and the state it last announced (guarded by the registry). */
        private static final class Member {
            final Supplier<NodeInfo> info;
            final String id;
            NodeState announced;

            Member(Supplier<NodeInfo> info, NodeInfo now) {
                this.info = info;
                this.id = now.id();
                this.announced = now.state();
            }
        }

        private final ScheduledExecutorService scheduler;
        private final List<Member> members = new CopyOnWriteArrayList<>();
        private final List<Consumer<MembershipEvent>> listeners = new CopyOnWriteArrayList<>();
        private final ScheduledFuture<?> check;

        /**
         * @param scheduler runs the state check and delivers events; its tasks never block
         * @param period    time between two checks of the nodes' states: the heartbeat
         */
        public Registry(ScheduledExecutorService scheduler, Duration period) {
            this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
            Objects.requireNonNull(period, "period");
            if (period.toMillis() <= 0) {
                throw new IllegalArgumentException("period must be at least 1 ms, got " + period);
            }
            this.check = scheduler.scheduleAtFixedRate(this::checkStates, period.toMillis(), period.toMillis(),
                    TimeUnit.MILLISECONDS);
        }

        /** Adds a node, announcing {@code join}; the returned membership lists every node of the registry. */
        public LocalMembership join(Supplier<NodeInfo> self) {
            return new LocalMembership(this, Objects.requireNonNull(self, "self"), false);
        }

        /** Lists the registry's nodes and hears their events without adding one (an in-process gateway). */
        public LocalMembership observer() {
            return new LocalMembership(this, null, false);
        }

        /** Stops checking the nodes' states. */
        @Override
        public void close() {
            check.cancel(false);
        }

        private List<NodeInfo> nodes() {
            return members.stream().map(m -> m.info.get())
                    .filter(n -> n.state() != NodeState.OFFLINE)
                    .sorted(Comparator.comparing(NodeInfo::id)).toList();
        }

        private synchronized Member add(Supplier<NodeInfo> info) {
            NodeInfo now = Objects.requireNonNull(info.get(), "self.get()");
            Member m = new Member(info, now);
            members.add(m);
            announce(MembershipEvent.Type.JOIN, m);
            return m;
        }

        private synchronized void remove(Member m) {
            if (members.remove(m)) {
                announce(MembershipEvent.Type.LEAVE, m);
            }
        }

        /** What a Redis heartbeat does: reads each node's figures and announces a state that changed. */
        private synchronized void checkStates() {
            for (Member m : members) {
                NodeState now = m.info.get().state();
                if (now != m.announced) {
                    m.announced = now;
                    announce(MembershipEvent.Type.UPDATE, m);
                }
            }
        }

        /**
         * Called with the lock held, so events are queued, and heard, in the order they happened, by
         * the listeners there were when they happened.
         */
        private void announce(MembershipEvent.Type type, Member m) {
            MembershipEvent event = new MembershipEvent(type, m.id);
            List<Consumer<MembershipEvent>> hearers = List.copyOf(listeners);
            try {
                scheduler.execute(() -> deliver(event, hearers));
            } catch (RejectedExecutionException e) {
                log.debug("{} not delivered: the registry's scheduler is shut down", event);
            }
        }

        private static void deliver(MembershipEvent event, List<Consumer<MembershipEvent>> hearers) {
            for (Consumer<MembershipEvent> listener : hearers) {
                try {
                    listener.accept(event);
                } catch (RuntimeException e) {
                    log.warn("a membership listener failed on {}", event, e);
                }
            }
        }
    }
}

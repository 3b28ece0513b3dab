package io.wscluster.resources;

import java.util.Objects;
import java.util.concurrent.ScheduledExecutorService;

/**
 * The resources one node (or one embedded cluster, or one gateway) shares among its parts: one
 * daemon scheduler thread, named after its owner ({@code wsc-scheduler-<name>}), for every periodic
 * or delayed task of that owner. One thread per node rather than one per part keeps a process of
 * several in-process nodes at a few threads, and gives a stop one place to end them all.
 *
 * <p>Contract for the tasks: they must never block (they issue asynchronous calls, or do a few
 * microseconds of in-memory work), since every other task of the node waits behind them; they all
 * run on the one thread, so state that only tasks touch needs no lock. A task that throws is
 * logged and runs again at its next period (a plain {@code ScheduledExecutorService} would
 * silently suppress its later runs); the others are unaffected.
 *
 * <p>The owner closes it once, after the parts are stopped or when nothing may run any more;
 * parts cancel their own tasks and never shut the scheduler down. Thread-safe.
 */
public final class NodeResources implements AutoCloseable {
    private final GuardedScheduler scheduler;
    private final java.util.List<AutoCloseable> owned = new java.util.concurrent.CopyOnWriteArrayList<>();

    private NodeResources(String name) {
        this.scheduler = new GuardedScheduler("wsc-scheduler-" + name);
    }

    /**
     * @param name what the resources belong to, usually the node id; it names the thread
     * @throws IllegalArgumentException when {@code name} is blank
     */
    public static NodeResources create(String name) {
        Objects.requireNonNull(name, "name");
        if (name.isBlank()) {
            throw new IllegalArgumentException("name must not be blank");
        }
        return new NodeResources(name);
    }

    /** The owner's scheduler. Tasks must not block; see the class comment. */
    public ScheduledExecutorService scheduler() {
        return scheduler;
    }

    /** Closes {@code resource} when these resources close (a meter binder's JVM listeners, for instance). */
    public void own(AutoCloseable resource) {
        owned.add(Objects.requireNonNull(resource, "resource"));
    }

    /** Stops the scheduler at once (pending tasks are dropped, later submissions refused) and closes what it owns. Idempotent. */
    @Override
    public void close() {
        scheduler.shutdownNow();
        for (AutoCloseable r : owned) {
            try {
                r.close();
            } catch (Exception e) {
                org.slf4j.LoggerFactory.getLogger(NodeResources.class).debug("closing {} failed", r, e);
            }
        }
        owned.clear();
    }
}

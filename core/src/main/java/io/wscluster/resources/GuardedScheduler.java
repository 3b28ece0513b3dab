package io.wscluster.resources;

import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A one-thread daemon scheduler on which a throwing task is logged instead of lost. Periodic tasks
 * go on at their next period (a plain {@link ScheduledThreadPoolExecutor} cancels a periodic task
 * for good at its first exception, without a word), and tasks handed to {@link #execute} say in
 * the log that they failed (a plain one keeps the exception in a future nobody reads). One-shot
 * tasks submitted for a future keep theirs in that future, as usual. Cancelled tasks leave the
 * queue at once, so parts that come and go (in-process nodes) leave nothing behind.
 */
final class GuardedScheduler extends ScheduledThreadPoolExecutor {
    private static final Logger log = LoggerFactory.getLogger(GuardedScheduler.class);

    GuardedScheduler(String threadName) {
        super(1, r -> {
            Thread t = new Thread(r, threadName);
            t.setDaemon(true);
            return t;
        });
        setRemoveOnCancelPolicy(true);
        setContinueExistingPeriodicTasksAfterShutdownPolicy(false);
        setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    }

    @Override
    public void execute(Runnable command) {
        super.execute(guarded(command));
    }

    @Override
    public ScheduledFuture<?> scheduleAtFixedRate(Runnable command, long initialDelay, long period, TimeUnit unit) {
        return super.scheduleAtFixedRate(guarded(command), initialDelay, period, unit);
    }

    @Override
    public ScheduledFuture<?> scheduleWithFixedDelay(Runnable command, long initialDelay, long delay, TimeUnit unit) {
        return super.scheduleWithFixedDelay(guarded(command), initialDelay, delay, unit);
    }

    private static Runnable guarded(Runnable command) {
        if (command == null) {
            throw new NullPointerException("command");
        }
        return () -> {
            try {
                command.run();
            } catch (RuntimeException e) {
                log.warn("a scheduled task failed (a periodic one runs again at its next period)", e);
            }
        };
    }
}

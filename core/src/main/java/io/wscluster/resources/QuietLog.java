package io.wscluster.resources;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.event.Level;

/**
 * A warning or error that clients can provoke, logged at most once per kind and window: the first of a
 * window with its stack trace, the others counted and reported, without a trace, with the first
 * of the next window ("... 1,199 more like it since"). A flood of bad connections then costs a
 * line a minute per kind instead of one per connection, and the log still says how many.
 *
 * <p>Kinds are few (a kind names what failed, such as the exception's class; never a session,
 * user or address), but a bound keeps a caller that passes open-ended kinds from growing the map:
 * past {@value #MAX_KINDS} kinds everything is one kind. Thread-safe.
 */
public final class QuietLog {
    static final int MAX_KINDS = 256;
    private static final String OTHER = "other";

    private final Logger log;
    private final Level level;
    private final long windowNanos;
    private final LongSupplier clock;
    private final ConcurrentHashMap<String, Window> windows = new ConcurrentHashMap<>();

    public QuietLog(Logger log, Level level, Duration window) {
        this(log, level, window, System::nanoTime);
    }

    QuietLog(Logger log, Level level, Duration window, LongSupplier clock) {
        this.log = log;
        this.level = level;
        this.windowNanos = window.toNanos();
        this.clock = clock;
    }

    /** One window of one kind: when it opened and how many were left unsaid in it. */
    private static final class Window {
        final long opened;
        final AtomicLong unsaid = new AtomicLong();

        Window(long opened) {
            this.opened = opened;
        }
    }

    /**
     * Logs {@code message} (an SLF4J pattern of {@code args}) with {@code cause}'s trace, unless one
     * of {@code kind} was logged less than a window ago: then it is only counted.
     */
    public void log(String kind, Throwable cause, String message, Object... args) {
        String key = windows.size() < MAX_KINDS || windows.containsKey(kind) ? kind : OTHER;
        long now = clock.getAsLong();
        Window current = windows.get(key);
        if (current != null && now - current.opened < windowNanos) {
            current.unsaid.incrementAndGet();
            return;
        }
        Window next = new Window(now);
        boolean opened = current == null ? windows.putIfAbsent(key, next) == null : windows.replace(key, current, next);
        if (!opened) {
            windows.get(key).unsaid.incrementAndGet(); // another thread opened the window meanwhile
            return;
        }
        long unsaid = current == null ? 0 : current.unsaid.get();
        String suffix = unsaid == 0 ? "" : " (" + unsaid + " more like it in the " + Duration.ofNanos(now - current.opened).toSeconds()
                + " s before, not logged)";
        log.atLevel(level).setCause(cause).log(message + suffix, args);
    }
}

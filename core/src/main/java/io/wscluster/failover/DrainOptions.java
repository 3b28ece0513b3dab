package io.wscluster.failover;

import io.wscluster.options.Check;
import java.time.Duration;

/** How a node leaves: a drain's pace and limit, and how long a stop waits. Immutable; build with {@link #builder()}. */
public final class DrainOptions {
    public static final int DEFAULT_BATCH = 100;
    public static final Duration DEFAULT_PACE = Duration.ofMillis(100);
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);
    public static final Duration DEFAULT_SHUTDOWN_TIMEOUT = Duration.ofSeconds(10);
    public static final DrainOptions DEFAULT = builder().build();

    private final int batch;
    private final Duration pace;
    private final Duration timeout;
    private final Duration shutdownTimeout;

    private DrainOptions(Builder b) {
        batch = b.batch;
        pace = b.pace;
        timeout = b.timeout;
        shutdownTimeout = b.shutdownTimeout;
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return builder().batch(batch).pace(pace).timeout(timeout).shutdownTimeout(shutdownTimeout);
    }

    /** Connections per event loop sent away per drain step. */
    public int batch() { return batch; }
    /** Time between two drain steps. */
    public Duration pace() { return pace; }
    /** Longest a drain lasts before the node stops anyway. */
    public Duration timeout() { return timeout; }
    /** Longest a graceful stop may take before connections are cut. */
    public Duration shutdownTimeout() { return shutdownTimeout; }

    /** Builder with every default set; setters check their argument and name the setting in the error. */
    public static final class Builder {
        private int batch = DEFAULT_BATCH;
        private Duration pace = DEFAULT_PACE;
        private Duration timeout = DEFAULT_TIMEOUT;
        private Duration shutdownTimeout = DEFAULT_SHUTDOWN_TIMEOUT;

        private Builder() {
        }

        public Builder batch(int v) {
            Check.setting(v >= 1, "drain-batch", v, "at least 1");
            batch = v;
            return this;
        }

        public Builder pace(Duration v) {
            Check.setting(v != null && v.toMillis() >= 1, "drain-pace", v, "at least 1ms");
            pace = v;
            return this;
        }

        public Builder timeout(Duration v) {
            Check.setting(v != null && !v.isNegative(), "drain-timeout", v, "0s or more");
            timeout = v;
            return this;
        }

        public Builder shutdownTimeout(Duration v) {
            Check.setting(v != null && !v.isNegative(), "shutdown-timeout", v, "0s or more");
            shutdownTimeout = v;
            return this;
        }

        public DrainOptions build() {
            return new DrainOptions(this);
        }
    }
}

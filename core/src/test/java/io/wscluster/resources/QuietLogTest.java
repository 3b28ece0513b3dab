package io.wscluster.resources;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.AbstractLogger;
import org.slf4j.helpers.MessageFormatter;

class QuietLogTest {
    private final Recording log = new Recording();
    private long now;
    private final QuietLog sut = new QuietLog(log, Level.WARN, Duration.ofMinutes(1), () -> now);

    @Test
    void theFirstOfAWindowIsLoggedWithItsTraceTheRestCountedIntoTheNext() {
        for (int i = 0; i < 200; i++) {
            sut.log("IllegalStateException", new IllegalStateException("bomb " + i), "closing session {} after an unexpected error", "s" + i);
        }
        assertThat(log.lines).containsExactly("closing session s0 after an unexpected error");
        assertThat(log.causes).hasSize(1);

        now += TimeUnit.SECONDS.toNanos(61);
        sut.log("IllegalStateException", new IllegalStateException("again"), "closing session {} after an unexpected error", "s200");
        assertThat(log.lines).last().isEqualTo("closing session s200 after an unexpected error (199 more like it in the 61 s before, not logged)");
    }

    @Test
    void kindsHaveWindowsOfTheirOwnAndTheirNumberIsBounded() {
        sut.log("a", null, "first a");
        sut.log("b", null, "first b");
        sut.log("a", null, "second a");
        assertThat(log.lines).containsExactly("first a", "first b");
        for (int i = 0; i < QuietLog.MAX_KINDS * 4; i++) {
            sut.log("kind-" + i, null, "kind {}", i);
        }
        assertThat(log.lines).as("past the bound, one more window for all the others").hasSize(QuietLog.MAX_KINDS + 1);
    }

    /** Keeps what is logged, formatted. */
    private static final class Recording extends AbstractLogger {
        final List<String> lines = new ArrayList<>();
        final List<Throwable> causes = new ArrayList<>();

        @Override
        protected String getFullyQualifiedCallerName() {
            return null;
        }

        @Override
        protected void handleNormalizedLoggingCall(Level level, Marker marker, String pattern, Object[] args, Throwable cause) {
            lines.add(MessageFormatter.basicArrayFormat(pattern, args));
            if (cause != null) {
                causes.add(cause);
            }
        }

        @Override
        public boolean isTraceEnabled() {
            return true;
        }

        @Override
        public boolean isTraceEnabled(Marker marker) {
            return true;
        }

        @Override
        public boolean isDebugEnabled() {
            return true;
        }

        @Override
        public boolean isDebugEnabled(Marker marker) {
            return true;
        }

        @Override
        public boolean isInfoEnabled() {
            return true;
        }

        @Override
        public boolean isInfoEnabled(Marker marker) {
            return true;
        }

        @Override
        public boolean isWarnEnabled() {
            return true;
        }

        @Override
        public boolean isWarnEnabled(Marker marker) {
            return true;
        }

        @Override
        public boolean isErrorEnabled() {
            return true;
        }

        @Override
        public boolean isErrorEnabled(Marker marker) {
            return true;
        }
    }
}

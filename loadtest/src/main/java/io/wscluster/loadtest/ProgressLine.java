package io.wscluster.loadtest;

import java.util.Locale;

/** The line printed every second while a run goes on. */
final class ProgressLine {
    private ProgressLine() {
    }

    static String format(Sample s) {
        String when = s.second() < 0 ? "connect" : String.format(Locale.ROOT, "%5ds", s.second());
        return String.format(Locale.ROOT, "[%s] open %d | sent %.0f/s | delivered %.0f/s | latency p50 %.2f ms p99 %.2f ms max %.2f ms",
                when, s.connections(), s.sentPerSec(), s.deliveredPerSec(), s.p50Ms(), s.p99Ms(), s.maxMs());
    }
}

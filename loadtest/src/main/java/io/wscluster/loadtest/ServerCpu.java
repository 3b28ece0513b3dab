package io.wscluster.loadtest;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * CPU time used by the processes of the system under test, read from {@code /proc/<pid>/stat}
 * (user + system time of the process and its reaped children). Linux only; elsewhere, or with no
 * pids, it reads 0 and the report says the figure was not measured.
 */
final class ServerCpu {
    /** Clock ticks per second of /proc figures; 100 on every Linux we run on (sysconf(_SC_CLK_TCK)). */
    private static final long TICKS_PER_SECOND = 100;

    private final List<Long> pids;
    private long startMicros;

    ServerCpu(List<Long> pids) {
        this.pids = pids;
    }

    void start() {
        startMicros = totalMicros();
    }

    /** CPU microseconds used since {@link #start()}, or 0 when no process could be read. */
    long stop() {
        long end = totalMicros();
        return end > 0 ? end - startMicros : 0;
    }

    private long totalMicros() {
        long ticks = 0;
        for (long pid : pids) {
            ticks += ticks(pid);
        }
        return ticks * 1_000_000 / TICKS_PER_SECOND;
    }

    static long ticks(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            // Fields after the command name, which may hold spaces, start after the last ')'.
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            // utime, stime, cutime, cstime are fields 14-17 of stat, 12-15 after the name.
            return Long.parseLong(f[11]) + Long.parseLong(f[12]) + Long.parseLong(f[13]) + Long.parseLong(f[14]);
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }
}

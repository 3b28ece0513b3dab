package io.wscluster.loadtest;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Checks, before a single connection is opened, that the machine can hold the run: open files per
 * process (which decides the worker processes), ephemeral ports per source address, and the open
 * files of the servers under test. A run that cannot fit stops here with the exact fix, instead of
 * failing half way.
 */
final class Preflight {
    /** Files a process keeps for itself besides sockets: jars, epoll, pipes, logs. */
    static final int RESERVED_FILES = 256;

    private Preflight() {
    }

    /** A run that cannot fit, with what to do about it. */
    static final class Refused extends RuntimeException {
        Refused(String message) {
            super(message, null, false, false);
        }
    }

    /** How many worker processes the run needs; throws {@link Refused} when it cannot fit. */
    static int workers(LoadTestOptions o) {
        long maxFiles = maxOpenFiles();
        long perProcess = maxFiles - RESERVED_FILES;
        if (perProcess < 1) {
            throw new Refused("this process may open only " + maxFiles + " files; raise it with: ulimit -n 65536");
        }
        int workers = o.workers() > 0 ? o.workers() : (int) Math.max(1, (o.connections() + perProcess - 1) / perProcess);
        long perWorker = (o.connections() + workers - 1) / workers;
        if (perWorker > perProcess) {
            long needed = (o.connections() + perProcess - 1) / perProcess;
            throw new Refused("--workers " + workers + ": each worker would open " + perWorker + " sockets but a process may open "
                    + maxFiles + " files here; use --workers " + needed + " (or leave --workers out), or raise the limit: ulimit -n "
                    + (perWorker + RESERVED_FILES));
        }
        checkPorts(o);
        checkServers(o);
        return workers;
    }

    private static void checkPorts(LoadTestOptions o) {
        long range = ephemeralPorts();
        int sources = SourceAddresses.parse(o.sourceIps()).size();
        Set<String> targets = new HashSet<>();
        for (String u : o.urls()) {
            URI uri = URI.create(u);
            targets.add(uri.getHost() + ":" + uri.getPort());
        }
        // Bound to a source address, a socket takes a port of that address whatever its target;
        // unbound, the kernel may reuse a port towards each distinct target.
        long capacity = sources > 0 ? sources * range : targets.size() * range;
        if (o.connections() > capacity) {
            long neededSources = (o.connections() + range - 1) / range;
            throw new Refused(o.connections() + " connections need more local ports than the " + capacity + " available ("
                    + range + " ephemeral ports per " + (sources > 0 ? "source address" : "target") + "); add source addresses: "
                    + "--source-ips 127.0.0.2-127.0.0." + Math.min(254, 1 + neededSources)
                    + " (loopback targets), or widen the range: sysctl -w net.ipv4.ip_local_port_range=\"1024 65535\"");
        }
    }

    private static void checkServers(LoadTestOptions o) {
        long total = 0;
        for (long pid : o.serverPids()) {
            long limit = processOpenFiles(pid);
            if (limit < 0) {
                throw new Refused("--server-pid " + pid + ": no such process (or /proc/" + pid + " is not readable)");
            }
            total += limit;
        }
        if (!o.serverPids().isEmpty() && o.connections() > total) {
            throw new Refused(o.connections() + " connections exceed the open-files limits of the server processes ("
                    + total + " in total): start more nodes or raise their limit (LimitNOFILE= or ulimit -n)");
        }
    }

    static long maxOpenFiles() {
        var os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.UnixOperatingSystemMXBean unix) {
            return unix.getMaxFileDescriptorCount();
        }
        return Long.MAX_VALUE / 2;
    }

    static long ephemeralPorts() {
        try {
            String[] range = Files.readString(Path.of("/proc/sys/net/ipv4/ip_local_port_range")).trim().split("\\s+");
            return Long.parseLong(range[1]) - Long.parseLong(range[0]) + 1;
        } catch (IOException | RuntimeException e) {
            return 28_232; // Linux's default 32768-60999
        }
    }

    /** The soft open-files limit of a process, or -1 when it cannot be read. */
    static long processOpenFiles(long pid) {
        try {
            List<String> lines = Files.readAllLines(Path.of("/proc", Long.toString(pid), "limits"));
            for (String line : lines) {
                if (line.startsWith("Max open files")) {
                    String[] f = line.substring("Max open files".length()).trim().split("\\s+");
                    return "unlimited".equals(f[0]) ? Long.MAX_VALUE / 4 : Long.parseLong(f[0]);
                }
            }
            return -1;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }
}

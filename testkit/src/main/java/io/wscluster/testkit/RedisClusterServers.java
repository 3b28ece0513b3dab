package io.wscluster.testkit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * A real three-master Redis Cluster for a test: three {@code redis-server --cluster-enabled yes}
 * on free loopback ports, joined by {@code redis-cli --cluster create} (no replicas), ready once
 * every node reports {@code cluster_state:ok}. {@link #close()} ends exactly the three processes
 * it started. Every wait is bounded. Needs {@code redis-server} and {@code redis-cli} (7.0 or
 * later, for sharded pub/sub) on the PATH.
 */
public final class RedisClusterServers implements AutoCloseable {
    private static final int MASTERS = 3;
    private static final long CREATE_TIMEOUT_SECONDS = 30;
    private static final long READY_TIMEOUT_SECONDS = 20;
    private static final long CLI_TIMEOUT_SECONDS = 5;

    private final List<RedisServer> servers;

    private RedisClusterServers(List<RedisServer> servers) {
        this.servers = servers;
    }

    /** Starts three masters and forms a cluster of them; nothing is left running when it fails. */
    public static RedisClusterServers start() throws IOException {
        List<RedisServer> started = new ArrayList<>(MASTERS);
        try {
            for (int i = 0; i < MASTERS; i++) {
                started.add(startNode());
            }
            RedisClusterServers cluster = new RedisClusterServers(List.copyOf(started));
            cluster.create();
            cluster.awaitReady();
            return cluster;
        } catch (IOException | RuntimeException e) {
            started.forEach(RedisServer::stop);
            throw e;
        }
    }

    /**
     * One cluster-enabled server. Its config file is relative to the server's own {@code --dir}, so
     * each node has its own. The cluster bus port is picked free too: by default it is the port +
     * 10000, which is out of range (or taken) for a port above 55535. A port taken between being
     * found free and being bound makes the server exit: that is retried.
     */
    private static RedisServer startNode() throws IOException {
        IOException last = null;
        for (int attempt = 0; attempt < 3; attempt++) {
            try {
                return RedisServer.start("--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf",
                        "--cluster-node-timeout", "2000", "--cluster-port", String.valueOf(RedisServer.freePort()));
            } catch (IOException e) {
                last = e;
            }
        }
        throw last;
    }

    /** The ports of the three masters. */
    public List<Integer> ports() {
        return servers.stream().map(RedisServer::port).toList();
    }

    /** Every node as a seed: {@code redis-cluster://127.0.0.1:p1,127.0.0.1:p2,127.0.0.1:p3}. */
    public String url() {
        return "redis-cluster://" + servers.stream().map(s -> "127.0.0.1:" + s.port()).collect(Collectors.joining(","));
    }

    /** The process ids of the three masters. */
    public List<Long> pids() {
        return servers.stream().map(RedisServer::pid).toList();
    }

    /** Stops the three servers this started (by their processes, SIGKILL). */
    @Override
    public void close() {
        servers.forEach(RedisServer::stop);
    }

    private void create() throws IOException {
        List<String> cmd = new ArrayList<>(List.of("redis-cli", "--cluster", "create"));
        servers.forEach(s -> cmd.add("127.0.0.1:" + s.port()));
        cmd.addAll(List.of("--cluster-replicas", "0", "--cluster-yes"));
        CliResult r = run(cmd, CREATE_TIMEOUT_SECONDS);
        if (r.exit != 0) {
            throw new IOException("redis-cli --cluster create failed (exit " + r.exit + "): " + r.output);
        }
    }

    /** Waits until every node has all slots assigned and says cluster_state:ok. */
    private void awaitReady() throws IOException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(READY_TIMEOUT_SECONDS);
        String last = "";
        while (System.nanoTime() < deadline) {
            boolean ready = true;
            for (RedisServer s : servers) {
                CliResult r = run(List.of("redis-cli", "-h", "127.0.0.1", "-p", String.valueOf(s.port()), "cluster", "info"),
                        CLI_TIMEOUT_SECONDS);
                last = r.output;
                if (r.exit != 0 || !r.output.contains("cluster_state:ok") || !r.output.contains("cluster_known_nodes:" + MASTERS)) {
                    ready = false;
                    break;
                }
            }
            if (ready) {
                return;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while waiting for the Redis Cluster", e);
            }
        }
        throw new IOException("the Redis Cluster on ports " + ports() + " was not ready within " + READY_TIMEOUT_SECONDS
                + " s; last cluster info: " + last);
    }

    private record CliResult(int exit, String output) {
    }

    /** Runs a command, killing it (by its own process) when it outlives {@code timeoutSeconds}. */
    private static CliResult run(List<String> cmd, long timeoutSeconds) throws IOException {
        Path out = Files.createTempFile("wsc-redis-cli-", ".log");
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile()).start();
            try {
                if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    p.waitFor(5, TimeUnit.SECONDS);
                    throw new IOException(String.join(" ", cmd) + " did not finish within " + timeoutSeconds + " s: "
                            + Files.readString(out, StandardCharsets.UTF_8));
                }
            } catch (InterruptedException e) {
                p.destroyForcibly();
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while running " + String.join(" ", cmd), e);
            }
            return new CliResult(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
        }
    }
}

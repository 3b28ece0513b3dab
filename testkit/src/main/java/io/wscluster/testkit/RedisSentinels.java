package io.wscluster.testkit;

import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * A master, a replica and a Sentinel, real {@code redis-server} processes on free loopback ports,
 * for failover tests: the Sentinel takes the master for down one second after it stops answering
 * and promotes the replica. {@link #url()} is the {@code redis-sentinel://} URL nodes use.
 * {@link #close()} ends exactly the processes it started and removes their directory.
 */
public final class RedisSentinels implements AutoCloseable {
    public static final String MASTER_NAME = "main";

    private final Path dir;
    private final List<Process> processes = new ArrayList<>();
    private final int masterPort;
    private final int replicaPort;
    private final int sentinelPort;
    private final Process master;

    private RedisSentinels() throws IOException {
        dir = Files.createTempDirectory("wsc-sentinel-");
        masterPort = RedisServer.freePort();
        replicaPort = RedisServer.freePort();
        sentinelPort = RedisServer.freePort();
        master = server("master", masterPort);
        server("replica", replicaPort, "--replicaof", "127.0.0.1", String.valueOf(masterPort));
        Path conf = dir.resolve("sentinel.conf");
        Files.writeString(conf, String.join("\n",
                "port " + sentinelPort, "bind 127.0.0.1", "protected-mode no", "dir " + dir,
                "sentinel monitor " + MASTER_NAME + " 127.0.0.1 " + masterPort + " 1",
                "sentinel down-after-milliseconds " + MASTER_NAME + " 1000",
                "sentinel failover-timeout " + MASTER_NAME + " 5000", ""));
        processes.add(new ProcessBuilder("redis-server", conf.toString(), "--sentinel").redirectErrorStream(true)
                .redirectOutput(dir.resolve("sentinel.log").toFile()).start());
        RedisServer.awaitPing(sentinelPort, Duration.ofSeconds(10));
    }

    /** Starts the three; returns once the Sentinel answers. */
    public static RedisSentinels start() throws IOException {
        return new RedisSentinels();
    }

    /** {@code redis-sentinel://127.0.0.1:<sentinel port>#main}. */
    public String url() {
        return "redis-sentinel://127.0.0.1:" + sentinelPort + "#" + MASTER_NAME;
    }

    public int masterPort() {
        return masterPort;
    }

    public int replicaPort() {
        return replicaPort;
    }

    /** Kills the master (SIGKILL): the Sentinel promotes the replica a second or two later. */
    public void killMaster() {
        RedisServer.kill(master);
    }

    /** Whether the replica answers as a master now. */
    public boolean replicaPromoted() {
        try (Socket s = new Socket("127.0.0.1", replicaPort)) {
            s.setSoTimeout(2000);
            s.getOutputStream().write("ROLE\r\n".getBytes(StandardCharsets.US_ASCII));
            byte[] buf = new byte[64];
            int n = s.getInputStream().read(buf);
            return n > 0 && new String(buf, 0, n, StandardCharsets.US_ASCII).contains("master");
        } catch (IOException e) {
            return false;
        }
    }

    private Process server(String name, int port, String... extra) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("redis-server", "--port", String.valueOf(port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no", "--dir", dir.toString(), "--protected-mode", "no",
                "--dbfilename", name + ".rdb"));
        cmd.addAll(List.of(extra));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve(name + ".log").toFile()).start();
        processes.add(p);
        RedisServer.awaitPing(port, Duration.ofSeconds(10));
        return p;
    }

    @Override
    public void close() {
        processes.forEach(RedisServer::kill);
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException e) {
            // best effort: a temporary directory
        }
    }
}

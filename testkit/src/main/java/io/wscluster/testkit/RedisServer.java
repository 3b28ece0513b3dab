package io.wscluster.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real {@code redis-server} spawned on a free loopback port for a test, with nothing kept on
 * disk (its directory, with the log, goes at {@link #stop()}). {@link #stop()} ends exactly the process it started; {@link #restart()} starts it again on
 * the same port (for outage tests). Needs {@code redis-server} on the PATH.
 */
public final class RedisServer implements AutoCloseable {
    private final int port;
    private final List<String> extraArgs;
    private final Path dir;
    private Process process;

    private RedisServer(int port, List<String> extraArgs) throws IOException {
        this.port = port;
        this.extraArgs = extraArgs;
        this.dir = Files.createTempDirectory("wsc-redis-");
    }

    /** Starts a server on a free port. */
    public static RedisServer start(String... extraArgs) throws IOException {
        RedisServer r = new RedisServer(freePort(), List.of(extraArgs));
        r.launch();
        return r;
    }

    public int port() {
        return port;
    }

    /** {@code redis://127.0.0.1:<port>}. */
    public String url() {
        return "redis://127.0.0.1:" + port;
    }

    public long pid() {
        return process.pid();
    }

    private void launch() throws IOException {
        Files.createDirectories(dir);
        List<String> cmd = new ArrayList<>(List.of("redis-server", "--port", String.valueOf(port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no", "--dir", dir.toString(), "--protected-mode", "no"));
        cmd.addAll(extraArgs);
        process = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(dir.resolve("redis.log").toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("redis-server exited: " + Files.readString(dir.resolve("redis.log")));
            }
            if (ping()) {
                return;
            }
            sleep(20);
        }
        process.destroyForcibly();
        throw new IOException("redis-server did not answer PING on port " + port + " within 10 s");
    }

    /**
     * Runs {@code redis-cli} against this server ({@code cli("CONFIG", "SET", "maxmemory", "1")}) and
     * returns what it printed, trimmed; fails when it does not finish within {@link RedisCli#COMMAND_TIMEOUT_SECONDS}.
     */
    public String cli(String... args) throws IOException {
        return RedisCli.at(port, args).output().trim();
    }

    /** True when the server answers PING. */
    public boolean ping() {
        return ping(port);
    }

    /** Waits for a server (or a Sentinel) on {@code port} to answer PING; throws when it does not within {@code limit}. */
    static void awaitPing(int port, java.time.Duration limit) throws IOException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < deadline) {
            if (ping(port)) {
                return;
            }
            sleep(20);
        }
        throw new IOException("nothing answered PING on port " + port + " within " + limit);
    }

    private static boolean ping(int port) {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(1000);
            OutputStream out = s.getOutputStream();
            out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            byte[] buf = new byte[7];
            int n = in.read(buf);
            return n > 0 && new String(buf, 0, n, StandardCharsets.US_ASCII).startsWith("+PONG");
        } catch (IOException e) {
            return false;
        }
    }

    /** Kills the server (SIGKILL): an outage, with everything in memory lost. */
    public void kill() {
        kill(process);
    }

    /** Kills {@code p} (SIGKILL) and waits for it to be gone, 10 s at most. */
    static void kill(Process p) {
        p.destroyForcibly();
        try {
            p.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Freezes the server (SIGSTOP): it keeps its connections and answers nothing until {@link #resume()}. */
    public void pause() {
        signal("STOP");
    }

    /** Lets a {@link #pause() frozen} server go on (SIGCONT). */
    public void resume() {
        signal("CONT");
    }

    private void signal(String name) {
        try {
            Process kill = new ProcessBuilder("kill", "-" + name, String.valueOf(process.pid())).inheritIO().start();
            if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
                throw new IllegalStateException("kill -" + name + " " + process.pid() + " failed");
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Starts the server again on the same port, empty. */
    public void restart() throws IOException {
        kill();
        launch();
    }

    /** Kills the server and removes its directory (its log, and a cluster node's config file). */
    public void stop() {
        kill();
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // best effort: a temporary directory
        }
    }

    @Override
    public void close() {
        stop();
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

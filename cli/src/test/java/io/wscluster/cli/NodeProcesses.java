package io.wscluster.cli;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** `wsc node` processes for tests where a node must die for real (SIGKILL) or freeze (SIGSTOP). */
final class NodeProcesses implements AutoCloseable {
    private static final Pattern LISTENING = Pattern.compile("listening on (ws://\\S+) \\(operator listener (http://[^)\\s]+)\\)");
    /** The operator listener of each node started, by its WebSocket URL. */
    private static final Map<String, String> OPERATOR = new ConcurrentHashMap<>();

    private final List<Process> processes = new ArrayList<>();

    /** Starts `wsc node --node-id ID ARGS...` on a free loopback port; returns its WebSocket URL once it listens. */
    String start(String id, String... args) throws IOException {
        return start(List.of(), id, args);
    }

    /** The same in a JVM given {@code jvmOptions} too (after the default {@code -Xmx256m}, so they win). */
    String start(List<String> jvmOptions, String id, String... args) throws IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> cmd = new ArrayList<>(List.of(java, "-Xmx256m"));
        cmd.addAll(jvmOptions);
        cmd.addAll(List.of("-cp", classpath, Main.class.getName(), "node", "--host", "127.0.0.1", "--port", "0", "--node-id", id));
        cmd.addAll(List.of(args));
        // The node's output goes to target/nodes/<id>-<pid>.log, kept for reading after a failure.
        Path dir = Path.of("target", "nodes");
        Files.createDirectories(dir);
        Path log = Files.createTempFile(dir, id + "-", ".log");
        ProcessBuilder builder = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        // The tests' clients publish into rooms and read presence, which nodes do not let
        // anonymous clients do by default.
        builder.environment().putIfAbsent("WSC_ROOM_PUBLISH", "anyone");
        builder.environment().putIfAbsent("WSC_ROOM_PRESENCE", "anyone");
        builder.environment().putIfAbsent("WSC_CLIENT_PUBLISH_RATE", "0"); // their publishers outrun one client's default rate
        builder.environment().putIfAbsent("WSC_CLIENT_PUBLISH_BYTES", "0");
        builder.environment().putIfAbsent("WSC_USER_PUBLISH_RATE", "0");
        builder.environment().putIfAbsent("WSC_CLIENT_ROOMS_PER_MINUTE", "0");
        builder.environment().putIfAbsent("WSC_MAX_PENDING_REQUESTS", "0"); // publishers pipeline beyond one client's default
        Process p = builder.start();
        processes.add(p);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline && p.isAlive()) {
            Matcher m = LISTENING.matcher(Files.readString(log));
            if (m.find()) {
                OPERATOR.put(m.group(1), m.group(2));
                return m.group(1);
            }
            sleep(50);
        }
        throw new AssertionError("node " + id + " did not start:\n" + Files.readString(log));
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The operator listener ({@code http://127.0.0.1:port}: the API, admin, metrics) of the node at {@code wsUrl}. */
    static String adminUrl(String wsUrl) {
        String url = OPERATOR.get(wsUrl);
        if (url == null) {
            throw new IllegalArgumentException("no node was started at " + wsUrl);
        }
        return url;
    }

    /** The i-th started process (0-based). */
    Process get(int i) {
        return processes.get(i);
    }

    /** Sends a signal (STOP, CONT) to the i-th process, as `kill -SIG pid` does. */
    void signal(int i, String signal) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + signal, String.valueOf(processes.get(i).pid())).start();
        if (kill.waitFor() != 0) {
            throw new IOException("kill -" + signal + " failed");
        }
    }

    /** Kills every process still running: they were started here, by pid. */
    @Override
    public void close() {
        for (Process p : processes) {
            if (p.isAlive()) {
                try {
                    new ProcessBuilder("kill", "-CONT", String.valueOf(p.pid())).start().waitFor(); // a frozen one cannot die
                } catch (IOException e) {
                    // it is killed below regardless
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                p.destroyForcibly();
            }
        }
    }
}

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
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * `wsc` processes for tests where a node must die for real (SIGKILL) or freeze (SIGSTOP), or
 * where a setting must come the way an operator gives it (an environment variable, a file): nodes,
 * gateways, and one-shot commands such as `wsc drain`.
 */
final class NodeProcesses implements AutoCloseable {
    private static final Pattern LISTENING = Pattern.compile("listening on (wss?://\\S+) \\(operator listener (https?://[^)\\s]+)\\)");
    private static final Pattern GATEWAY_LISTENING = Pattern.compile("gateway listening on (wss?://\\S+) \\(health, ready, metrics and"
            + " /api/route at (https?://[^)\\s]+)\\)");
    /**
     * What the other process tests' clients need and nodes do not allow by default: anonymous
     * clients publish into rooms and read presence, and their publishers outrun one client's
     * default rates and pipeline beyond its pending requests.
     */
    private static final Map<String, String> PERMISSIVE = Map.of("WSC_ROOM_PUBLISH", "anyone", "WSC_ROOM_PRESENCE", "anyone",
            "WSC_CLIENT_PUBLISH_RATE", "0", "WSC_CLIENT_PUBLISH_BYTES", "0", "WSC_USER_PUBLISH_RATE", "0",
            "WSC_CLIENT_ROOMS_PER_MINUTE", "0", "WSC_MAX_PENDING_REQUESTS", "0");
    /** The operator listener of each node started, by its WebSocket URL. */
    private static final Map<String, String> OPERATOR = new ConcurrentHashMap<>();

    /** A gateway started by {@link #startGateway}: where clients connect, and its own HTTP endpoints. */
    record GatewayUrls(String url, String httpUrl) {
    }

    /** What a one-shot command said: its exit code and its output (stdout and stderr together). */
    record Run(int code, String output) {
    }

    private final List<Process> processes = new ArrayList<>();
    private final List<Path> outputs = new ArrayList<>();

    /** Starts `wsc node --node-id ID ARGS...` on a free loopback port; returns its WebSocket URL once it listens. */
    String start(String id, String... args) throws IOException {
        return start(List.of(), id, args);
    }

    /** The same in a JVM given {@code jvmOptions} too (after the default {@code -Xmx256m}, so they win). */
    String start(List<String> jvmOptions, String id, String... args) throws IOException {
        return node(jvmOptions, environment -> PERMISSIVE.forEach(environment::putIfAbsent), id, args);
    }

    /**
     * Starts `wsc node --node-id ID ARGS...` on a free loopback port with the product's defaults:
     * none of the permissive settings {@link #start} adds, and no {@code WSC_*} variable but those
     * of {@code env}. Returns its WebSocket URL once it listens.
     */
    String startWithDefaults(Map<String, String> env, String id, String... args) throws IOException {
        return node(List.of(), only(env), id, args);
    }

    private String node(List<String> jvmOptions, Consumer<Map<String, String>> env, String id, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("node", "--host", "127.0.0.1", "--port", "0", "--node-id", id));
        cmd.addAll(List.of(args));
        Matcher m = launch(jvmOptions, env, id, cmd, LISTENING);
        OPERATOR.put(m.group(1), m.group(2));
        return m.group(1);
    }

    /**
     * Starts `wsc gateway --host 127.0.0.1 --port 0 ARGS...` with no {@code WSC_*} variable but
     * those of {@code env}; returns its URLs once it listens.
     */
    GatewayUrls startGateway(Map<String, String> env, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("gateway", "--host", "127.0.0.1", "--port", "0"));
        cmd.addAll(List.of(args));
        Matcher m = launch(List.of(), only(env), "gateway", cmd, GATEWAY_LISTENING);
        return new GatewayUrls(m.group(1), m.group(2));
    }

    /**
     * Runs `wsc ARGS...`, a command that ends by itself (drain, status), with no {@code WSC_*}
     * variable but those of {@code env}; fails the test when it has not ended within 30 s.
     */
    static Run run(Map<String, String> env, String... args) throws IOException, InterruptedException {
        Path out = Files.createTempFile("wsc-run-", ".log");
        ProcessBuilder builder = new ProcessBuilder(command(List.of(), List.of(args))).redirectErrorStream(true)
                .redirectOutput(out.toFile()).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        only(env).accept(builder.environment());
        Process p = builder.start();
        try {
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                throw new AssertionError("wsc " + String.join(" ", args) + " did not end within 30 s");
            }
            return new Run(p.exitValue(), Files.readString(out));
        } finally {
            p.destroyForcibly();
            Files.delete(out);
        }
    }

    /** An environment whose {@code WSC_*} variables are those of {@code env} only: none this JVM happened to inherit. */
    private static Consumer<Map<String, String>> only(Map<String, String> env) {
        return environment -> {
            environment.keySet().removeIf(name -> name.startsWith("WSC_"));
            environment.putAll(env);
        };
    }

    /** {@code java -Xmx256m JVM-OPTIONS -cp <this test's classpath> Main ARGS...} */
    private static List<String> command(List<String> jvmOptions, List<String> args) {
        String java = ProcessHandle.current().info().command().orElse("java");
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> cmd = new ArrayList<>(List.of(java, "-Xmx256m"));
        cmd.addAll(jvmOptions);
        cmd.addAll(List.of("-cp", classpath, Main.class.getName()));
        cmd.addAll(args);
        return cmd;
    }

    /** Starts a serving process and waits (30 s at most) until its output matches {@code ready}. */
    private Matcher launch(List<String> jvmOptions, Consumer<Map<String, String>> env, String name, List<String> args, Pattern ready)
            throws IOException {
        // The output goes to target/nodes/<name>-<n>.log, kept for reading after a failure.
        Path dir = Path.of("target", "nodes");
        Files.createDirectories(dir);
        Path log = Files.createTempFile(dir, name + "-", ".log");
        ProcessBuilder builder = new ProcessBuilder(command(jvmOptions, args)).redirectErrorStream(true).redirectOutput(log.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        env.accept(builder.environment());
        Process p = builder.start();
        processes.add(p);
        outputs.add(log);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline && p.isAlive()) {
            Matcher m = ready.matcher(Files.readString(log));
            if (m.find()) {
                return m;
            }
            sleep(50);
        }
        throw new AssertionError(name + " did not start:\n" + Files.readString(log));
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

    /** What the i-th process has written so far, standard output and error together. */
    String output(int i) throws IOException {
        return Files.readString(outputs.get(i));
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

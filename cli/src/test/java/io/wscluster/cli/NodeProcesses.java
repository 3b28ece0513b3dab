package io.wscluster.cli;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** `wsc node` processes for tests where a node must die for real (SIGKILL) or freeze (SIGSTOP). */
final class NodeProcesses implements AutoCloseable {
    private static final Pattern LISTENING = Pattern.compile("listening on (ws://\\S+)");

    private final List<Process> processes = new ArrayList<>();

    /** Starts `wsc node --node-id ID ARGS...` on a free loopback port; returns its WebSocket URL once it listens. */
    String start(String id, String... args) throws IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> cmd = new ArrayList<>(List.of(java, "-Xmx256m", "-cp", classpath, Main.class.getName(), "node",
                "--host", "127.0.0.1", "--port", "0", "--node-id", id));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        processes.add(p);
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        StringBuilder seen = new StringBuilder();
        String line;
        while (System.nanoTime() < deadline && (line = out.readLine()) != null) {
            seen.append(line).append('\n');
            Matcher m = LISTENING.matcher(line);
            if (m.find()) {
                Thread drain = new Thread(() -> out.lines().forEach(l -> { }), "node-output-" + id);
                drain.setDaemon(true);
                drain.start();
                return m.group(1);
            }
        }
        throw new AssertionError("node " + id + " did not start:\n" + seen);
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

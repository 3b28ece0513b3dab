package io.wscluster.testkit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code redis-cli} run as a process for the cluster helpers, each run bounded: a run that outlives
 * its timeout is killed (by its own process) and reported.
 */
final class RedisCli {
    /** How long one command against one server may take. */
    static final long COMMAND_TIMEOUT_SECONDS = 5;

    private RedisCli() {
    }

    /** What a run printed (standard output and error together, lines ending in LF), and how it exited. */
    record Result(int exit, String output) {
        boolean ok() {
            return exit == 0;
        }
    }

    /** {@code redis-cli -h 127.0.0.1 -p <port> <args...>}, within {@link #COMMAND_TIMEOUT_SECONDS}. */
    static Result at(int port, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("redis-cli", "-h", "127.0.0.1", "-p", String.valueOf(port)));
        cmd.addAll(List.of(args));
        return run(cmd, COMMAND_TIMEOUT_SECONDS);
    }

    /** Runs {@code cmd}, killing it when it outlives {@code timeoutSeconds}. */
    static Result run(List<String> cmd, long timeoutSeconds) throws IOException {
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
            // INFO answers end their lines with CRLF: one kind of line end for the callers.
            return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8).replace("\r\n", "\n"));
        } finally {
            Files.deleteIfExists(out);
        }
    }
}

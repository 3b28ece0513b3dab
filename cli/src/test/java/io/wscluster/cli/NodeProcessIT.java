package io.wscluster.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.wscluster.testkit.TestClient;
import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** {@code wsc node} as a separate process: SIGTERM makes it say goodbye to every client and exit in time. */
class NodeProcessIT {
    private static final Pattern LISTENING = Pattern.compile("listening on (ws://\\S+)");

    @Test
    void sigtermSendsReconnectAndCloses1001ThenExits() throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        Process node = new ProcessBuilder(List.of(java, "-cp", classpath, Main.class.getName(),
                "node", "--host", "127.0.0.1", "--port", "0", "--node-id", "proc-1", "--shutdown-timeout", "5s"))
                .redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .start();
        try {
            String url = awaitUrl(node);
            try (TestClient client = TestClient.connect(url)) {
                assertThat(client.next("welcome").path("node").asText()).isEqualTo("proc-1");
                client.request(client.frame("subscribe").put("room", "r"));

                long sent = System.nanoTime();
                node.destroy(); // SIGTERM
                JsonNode reconnect = client.next("reconnect");
                assertThat(reconnect.path("reason").asText()).isEqualTo("shutdown");
                assertThat(client.awaitClose(Duration.ofSeconds(10)).code()).isEqualTo(1001);
                assertThat(node.waitFor(10, TimeUnit.SECONDS)).as("exits within its shutdown timeout").isTrue();
                assertThat(Duration.ofNanos(System.nanoTime() - sent)).isLessThan(Duration.ofSeconds(10));
                // A JVM ended by SIGTERM reports 143 once its shutdown hooks have run.
                assertThat(node.exitValue()).isIn(0, 143);
            }
        } finally {
            node.destroyForcibly();
        }
    }

    private static String awaitUrl(Process node) throws Exception {
        BufferedReader out = new BufferedReader(new InputStreamReader(node.getInputStream(), StandardCharsets.UTF_8));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        StringBuilder seen = new StringBuilder();
        while (System.nanoTime() < deadline) {
            String line = out.readLine();
            if (line == null) {
                break;
            }
            seen.append(line).append('\n');
            Matcher m = LISTENING.matcher(line);
            if (m.find()) {
                Thread drain = new Thread(() -> out.lines().forEach(l -> { }), "node-output");
                drain.setDaemon(true);
                drain.start();
                return m.group(1);
            }
        }
        throw new AssertionError("node did not start; output:\n" + seen);
    }
}

package io.wscluster.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.wscluster.testkit.RedisServer;
import io.wscluster.testkit.TestClient;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** What `wsc node` logs, as a process on a real Redis: its formats, its levels, and nothing alarming on a clean run. */
class LoggingProcessIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void jsonLinesCarryTheNodeIdAndACleanRunWarnsOfNothing() throws Exception {
        try (RedisServer redis = RedisServer.start(); NodeProcesses nodes = new NodeProcesses()) {
            String url = nodes.startWithDefaults(Map.of("WSC_LOG_FORMAT", "json", "WSC_LOG_LEVEL", "info,io.netty=debug"),
                    "log-1", "--redis", redis.url(), "--cluster", "logs");
            try (TestClient client = TestClient.connect(url)) {
                client.next("welcome");
                client.sendText("{\"op\":\"publish\",\"room\":"); // a malformed frame: an error frame, no stack trace
                assertThat(client.next("error").path("code").asText()).isEqualTo("bad_request");
            }
            stop(nodes);
            String output = nodes.output(0);
            List<JsonNode> lines = output.lines().filter(l -> l.startsWith("{")).map(LoggingProcessIT::parse).toList();
            assertThat(lines).as(output).isNotEmpty();
            for (JsonNode line : lines) {
                assertThat(line.path("timestamp").asLong()).as(line.toString()).isPositive();
                assertThat(line.path("threadName").asText()).as(line.toString()).isNotEmpty();
                assertThat(line.path("loggerName").asText()).as(line.toString()).startsWith("io.");
                assertThat(line.path("context").path("properties").path("node").asText()).as(line.toString()).isEqualTo("log-1");
                assertThat(line.path("level").asText()).as("a clean start, one bad frame and a clean stop: %s", line).isIn("INFO", "DEBUG");
                assertThat(line.path("throwable").isNull() || line.path("throwable").isMissingNode()).as(line.toString()).isTrue();
            }
            assertThat(lines).as("the level of one package raised").anyMatch(l -> l.path("level").asText().equals("DEBUG")
                    && l.path("loggerName").asText().startsWith("io.netty"));
            assertThat(lines).as("nothing else at debug").noneMatch(l -> l.path("level").asText().equals("DEBUG")
                    && !l.path("loggerName").asText().startsWith("io.netty"));
            assertThat(output).as("every line but the command's own is JSON").doesNotContain("\tat ")
                    .containsPattern("(?m)^wscluster node log-1 listening on ");
        }
    }

    @Test
    void textLinesHaveTimeLevelThreadAndNodeId() throws Exception {
        try (NodeProcesses nodes = new NodeProcesses()) {
            nodes.startWithDefaults(Map.of(), "log-2");
            stop(nodes);
            assertThat(nodes.output(0)).containsPattern(
                    "(?m)^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}(Z|[+-]\\d\\d:\\d\\d) INFO  \\[main\\] log-2 io\\.wscluster\\.NodeLifecycle - node log-2 serving ");
        }
    }

    @Test
    void aBadLogSettingIsOneLineNamingIt() throws Exception {
        NodeProcesses.Run run = NodeProcesses.run(Map.of("WSC_LOG_LEVEL", "loud"), "node", "--port", "0");
        assertThat(run.code()).isEqualTo(2);
        assertThat(run.output().strip()).isEqualTo("wsc node: WSC_LOG_LEVEL: 'loud' is not a level (trace, debug, info, warn, error or off)");
        run = NodeProcesses.run(Map.of(), "gateway", "--log-format", "xml");
        assertThat(run.code()).isEqualTo(2);
        assertThat(run.output().strip()).isEqualTo("wsc gateway: --log-format: 'xml' is neither text nor json");
    }

    private static void stop(NodeProcesses nodes) throws Exception {
        nodes.get(0).destroy(); // SIGTERM: a clean stop
        assertThat(nodes.get(0).waitFor(20, TimeUnit.SECONDS)).isTrue();
    }

    private static JsonNode parse(String line) {
        try {
            return JSON.readTree(line);
        } catch (java.io.IOException e) {
            throw new AssertionError("not a JSON line: " + line, e);
        }
    }
}

package io.wscluster.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The command line in process: help texts and one-line start errors. */
class MainTest {

    record Run(int code, String out, String err) {
    }

    private static Run run(String... args) {
        CommandLine cl = Main.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        java.io.PrintStream oldErr = System.err;
        java.io.ByteArrayOutputStream captured = new java.io.ByteArrayOutputStream();
        System.setErr(new java.io.PrintStream(captured, true));
        try {
            int code = cl.execute(args);
            return new Run(code, out.toString(), err + captured.toString());
        } finally {
            System.setErr(oldErr);
        }
    }

    @Test
    void helpListsCommandsAndEverySettingWithItsDefault() {
        assertThat(run("--help").out()).contains("node", "demo");
        String node = run("node", "--help").out();
        assertThat(node).contains("--port", "Default: 8080", "WSC_PORT", "--jwt-secret", "--config",
                "--ping-interval", "Default: 25s", "--shutdown-timeout", "Default: 10s", "--max-frame-size", "Default: 64KiB");
        assertThat(run("demo", "--help").out()).contains("--port", "Default: 8080");
    }

    @Test
    void aPortInUseStopsTheStartWithOneLineNamingIt() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getByName("0.0.0.0"))) {
            Run r = run("node", "--port", String.valueOf(taken.getLocalPort()));
            assertThat(r.code()).isEqualTo(2);
            assertThat(r.err().strip()).isEqualTo("wsc node: port: " + taken.getLocalPort() + " is already in use on 0.0.0.0");
        }
    }

    @Test
    void aHostThatIsNotOneStopsTheStartWithOneLineNamingIt() {
        // An address with its port never resolves (and, with its ':', is never asked of DNS).
        Run r = run("node", "--host", "127.0.0.1:8080", "--port", "0");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err().strip()).isEqualTo("wsc node: host: '127.0.0.1:8080' is not valid, expected an IP address or a host name of"
                + " this machine, without a port");
        Run admin = run("node", "--port", "0", "--admin-host", "127.0.0.1:9080");
        assertThat(admin.err().strip()).startsWith("wsc node: admin-host: '127.0.0.1:9080' is not valid");
    }

    @Test
    void aBadFlagValueStopsTheStartWithOneLine() {
        Run r = run("node", "--port", "eighty");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err().strip()).isEqualTo("wsc node: port (from --port): 'eighty' is not a whole number");
    }

    @Test
    void theGatewaysConnectionLimitsAreInItsHelpAndABadOneIsOneLine() {
        assertThat(run("gateway", "--help").out()).contains("--max-connections-per-address", "Default: 100",
                "--connection-rate-per-address", "Default: 20", "--address-limit-exempt", "Default: 127.0.0.1,::1");
        Run r = run("gateway", "--redis", "redis://127.0.0.1:1", "--max-connections-per-address", "-1");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err().strip()).isEqualTo("wsc gateway: max-connections-per-address: '-1' is not valid, expected 0 (no limit) or more");
    }

    @Test
    void anUnknownFlagIsRefusedByTheParser() {
        Run r = run("node", "--prot", "1");
        assertThat(r.code()).isNotZero();
        assertThat(r.err()).contains("--prot");
    }

    @Test
    void statusSaysWhenNoNodeAnswersAndRendersTheClusterAsATable() throws Exception {
        Run r = run("status", "--url", "http://127.0.0.1:1");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err().strip()).startsWith("wsc status: cannot reach http://127.0.0.1:1").doesNotContain("\n");
        var json = io.wscluster.codec.Encoding.JSON.mapper().readTree("""
                {"nodes":[{"id":"n1","url":"ws://h:1/ws","state":"active","connections":12,"capacity":100,"cpu":0.25,
                "memory":0.5,"messages_in_per_sec":3.0,"messages_out_per_sec":300.0}],
                 "totals":{"nodes":1,"connections":12,"messages_in_per_sec":3.0,"messages_out_per_sec":300.0}}""");
        String table = StatusCommand.render(json);
        assertThat(table.lines().toList()).hasSize(3);
        assertThat(table).contains("NODE", "n1", "active", "ws://h:1/ws", "25%", "50%", "300", "1 nodes");
        ((com.fasterxml.jackson.databind.node.ObjectNode) json).putObject("autoscaling").put("utilisation", 0.91).put("active_nodes", 1)
                .put("desired_nodes", 2).put("scale_up_threshold", 0.8).put("scale_down_threshold", 0.3);
        assertThat(StatusCommand.render(json)).contains("autoscaling: utilisation 0.91 over 1 active nodes: run 2 (more above 0.80,"
                + " fewer below 0.30)");
    }

    @Test
    void everySettingsHelpFormatsWithoutAWarning() {
        java.io.PrintStream err = System.err;
        java.io.ByteArrayOutputStream captured = new java.io.ByteArrayOutputStream();
        System.setErr(new java.io.PrintStream(captured, true, java.nio.charset.StandardCharsets.UTF_8));
        String usage;
        try {
            usage = Main.commandLine().getSubcommands().get("node").getUsageMessage();
        } finally {
            System.setErr(err);
        }
        assertThat(captured.toString(java.nio.charset.StandardCharsets.UTF_8)).doesNotContain("picocli WARN");
        assertThat(usage).contains("'ready up N%'");
    }
}

package io.wscluster.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.wscluster.LocalNodes;
import io.wscluster.WsCluster;
import io.wscluster.loadtest.LoadTest;
import io.wscluster.loadtest.LoadTestOptions;
import io.wscluster.loadtest.ReportJson;
import io.wscluster.loadtest.RunReport;
import io.wscluster.loadtest.Scenario;
import io.wscluster.security.RoomAccess;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code wsc loadtest} and {@code wsc loadtest merge} through the command line, against a real node. */
class LoadTestCommandIT {
    @TempDir
    Path dir;

    record Run(int code, String out, String err) {
    }

    private static Run run(String... args) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true));
        System.setErr(new PrintStream(err, true));
        try {
            int code = Main.commandLine().execute(args);
            return new Run(code, out.toString(), err.toString());
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    @Test
    void helpListsScenariosAndDefaults() {
        String help = run("loadtest", "--help").out();
        assertThat(help).contains("--scenario", "reconnect-storm", "--connections", "Default: 1000", "--report-json",
                "--report-html", "--slo", "--server-pid", "--workers", "--source-ips", "merge");
    }

    @Test
    void badOptionsAreOneLineAndExitTwo() {
        Run r = run("loadtest", "--scenario", "storm");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err().strip()).startsWith("wsc loadtest: scenario: 'storm' is not one of");
        assertThat(run("loadtest", "--connections", "0").err()).contains("--connections");
        assertThat(run("loadtest", "--slo", "p99<<1").err()).contains("--slo");
    }

    @Test
    void aRunWritesItsReportsAndMeetsItsSlo() throws Exception {
        try (LocalNodes nodes = LocalNodes.builder().options(o -> o.security(s -> s.roomPublish(RoomAccess.ANYONE).clientPublishRate(0).clientPublishBytes(0))).start(1)) {
            WsCluster node = nodes.get(0);
            Path json = dir.resolve("a.json");
            Path html = dir.resolve("a.html");
            Run r = run("loadtest", "--url", node.url(), "--scenario", "fanout", "--connections", "20", "--rate", "20",
                    "--duration", "1s", "--drain", "1s", "--report-json", json.toString(), "--report-html", html.toString(),
                    "--slo", "loss=0,success>=100%");
            assertThat(r.code()).as(r.out() + r.err()).isZero();
            assertThat(r.out()).contains("SLO met", "lost 0");
            assertThat(Files.readString(json)).contains("\"message_latency_ms\"");
            assertThat(Files.readString(html)).contains("<svg");
            Run missed = run("loadtest", "merge", json.toString(), "--slo", "delivered_per_sec>1000000000");
            assertThat(missed.code()).isEqualTo(1);
            assertThat(missed.out()).contains("SLO missed");
        }
    }

    /** Two generators running at the same time, as on two machines: their reports merge into one account. */
    @Test
    void runsMadeSideBySideMergeIntoOneReport() throws Exception {
        try (LocalNodes nodes = LocalNodes.builder().options(o -> o.security(s -> s.roomPublish(RoomAccess.ANYONE).clientPublishRate(0).clientPublishBytes(0))).start(1)) {
            WsCluster node = nodes.get(0);
            LoadTestOptions options = LoadTestOptions.builder().url(node.url()).scenario(Scenario.FANOUT).connections(20)
                    .rate(20).duration(Duration.ofSeconds(2)).drain(Duration.ofSeconds(1)).build();
            CompletableFuture<RunReport> first = CompletableFuture.supplyAsync(() -> runQuietly(options));
            CompletableFuture<RunReport> second = CompletableFuture.supplyAsync(() -> runQuietly(options));
            Path a = dir.resolve("a.json");
            Path b = dir.resolve("b.json");
            ReportJson.write(first.get(60, TimeUnit.SECONDS), a);
            ReportJson.write(second.get(60, TimeUnit.SECONDS), b);
            Run merged = run("loadtest", "merge", a.toString(), b.toString(), "--slo", "loss=0");
            assertThat(merged.code()).as(merged.out() + merged.err()).isZero();
            assertThat(merged.out()).contains("40 (success 100.00%", "lost 0");
        }
    }

    private static RunReport runQuietly(LoadTestOptions options) {
        try {
            return LoadTest.run(options, line -> { });
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }
}

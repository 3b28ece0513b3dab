package io.wscluster.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.wscluster.LocalNodes;
import io.wscluster.WsCluster;
import io.wscluster.cluster.NodeState;
import io.wscluster.testkit.SharedRedis;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code wsc status}, {@code wsc drain} and {@code wsc rebalance}'s client against nodes whose
 * operator listener serves {@code https://} with a self-signed certificate: refused with a line
 * saying what to do, and trusted with {@code --ca-file} (or {@code WSC_CA_FILE}) pointing at the
 * file the node wrote at start. Nodes over a real Redis, in this JVM; the commands in process.
 */
class OperatorTlsIT {
    @RegisterExtension
    static final SharedRedis redis = new SharedRedis();

    private final String cluster = SharedRedis.namespace();
    private final List<Path> certFiles = new ArrayList<>();
    private LocalNodes nodes;
    @TempDir
    Path dir;

    record Run(int code, String out, String err) {
    }

    @AfterEach
    void stop() throws Exception {
        if (nodes != null) {
            nodes.close();
        }
        for (Path f : certFiles) {
            Files.deleteIfExists(f);
        }
    }

    @Test
    void statusTrustsASelfSignedOperatorListenerOnlyWithItsCertificateFile() throws Exception {
        WsCluster node = start(1).get(0);
        assertThat(node.adminUrl()).startsWith("https://127.0.0.1:");

        Run untrusted = run("status", "--url", node.adminUrl());
        assertThat(untrusted.code()).isEqualTo(2);
        assertThat(untrusted.err().strip()).startsWith("wsc status: cannot reach " + node.adminUrl())
                .contains("TLS handshake failed", "--ca-file or WSC_CA_FILE").doesNotContain("\n");

        Run trusted = run("status", "--url", node.adminUrl(), "--ca-file", node.selfSignedCertFile().toString());
        assertThat(trusted.code()).as(trusted.err()).isZero();
        assertThat(trusted.out()).contains(node.nodeId(), "active");
    }

    @Test
    void drainReachesEachNodeThroughOneFileOfTheNodesCertificates() throws Exception {
        List<WsCluster> two = start(2);
        Path both = dir.resolve("nodes.pem");
        Files.writeString(both, Files.readString(two.get(0).selfSignedCertFile()) + Files.readString(two.get(1).selfSignedCertFile()));

        Run untrusted = run("drain", two.get(1).nodeId(), "--redis", redis.url(), "--cluster", cluster);
        assertThat(untrusted.code()).isEqualTo(2);
        assertThat(untrusted.err()).contains("cannot reach node " + two.get(1).nodeId(), "TLS handshake failed");
        assertThat(two.get(1).state()).isEqualTo(NodeState.ACTIVE);

        Run drained = run("drain", two.get(1).nodeId(), "--redis", redis.url(), "--cluster", cluster, "--ca-file", both.toString());
        assertThat(drained.code()).as(drained.err()).isZero();
        await().atMost(Duration.ofSeconds(10)).until(() -> two.get(1).state() != NodeState.ACTIVE);
        assertThat(two.get(0).state()).isEqualTo(NodeState.ACTIVE);
    }

    @Test
    void theCaFileMayComeFromTheEnvironmentAndABadOneIsOneLine() throws Exception {
        WsCluster node = start(1).get(0);
        var http = OperatorHttp.client(null, Map.of("WSC_CA_FILE", node.selfSignedCertFile().toString()));
        assertThat(http.send(HttpRequest.newBuilder(URI.create(node.adminUrl() + "/health")).build(), HttpResponse.BodyHandlers.ofString())
                .statusCode()).isEqualTo(200);
        assertThatThrownBy(() -> OperatorHttp.client(null, Map.of("WSC_CA_FILE", "/nonexistent.pem")))
                .hasMessage("WSC_CA_FILE: /nonexistent.pem must be a readable file of PEM certificates");

        Path notPem = Files.writeString(dir.resolve("not.pem"), "not a certificate");
        Run status = run("status", "--url", node.adminUrl(), "--ca-file", notPem.toString());
        assertThat(status.code()).isEqualTo(2);
        assertThat(status.err().strip()).isEqualTo("wsc status: ca-file: " + notPem + " must be a readable file of PEM certificates");
        Run drain = run("drain", node.nodeId(), "--redis", redis.url(), "--cluster", cluster, "--ca-file", notPem.toString());
        assertThat(drain.err().strip()).isEqualTo("wsc drain: ca-file: " + notPem + " must be a readable file of PEM certificates");
        assertThat(node.state()).isEqualTo(NodeState.ACTIVE);
    }

    /** {@code n} nodes of the test's cluster on Redis, each serving TLS with a certificate of its own making. */
    private List<WsCluster> start(int n) {
        String prefix = "tls-" + UUID.randomUUID().toString().substring(0, 8) + "-"; // not another run's certificate files
        nodes = LocalNodes.builder().idPrefix(prefix)
                .options(o -> o.bus(b -> b.redisUrl(redis.url()).cluster(cluster).heartbeat(Duration.ofMillis(200)))
                        .transport(t -> t.tls(tls -> tls.withSelfSigned(true))))
                .build();
        List<WsCluster> started = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            WsCluster node = nodes.start();
            certFiles.add(node.selfSignedCertFile());
            started.add(node);
        }
        return started;
    }

    /** Runs a command in process, with what it prints (of the error stream, the lines it writes: {@code wsc <command>: ...}). */
    private static Run run(String... args) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
        try {
            int code = Main.commandLine().execute(args);
            // The nodes of this JVM log to the same stream: keep the command's own lines.
            String said = e.toString(StandardCharsets.UTF_8).lines().filter(l -> l.startsWith("wsc ")).collect(Collectors.joining("\n"));
            return new Run(code, o.toString(StandardCharsets.UTF_8), said);
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }
}

package io.wscluster.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.netty.handler.ssl.util.SelfSignedCertificate;
import io.wscluster.LocalNodes;
import io.wscluster.eventloops.ServerTls;
import io.wscluster.testkit.TlsClients;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.security.cert.X509Certificate;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gateway terminating TLS for its clients from PEM files it takes up again when they change,
 * or from a certificate it makes at start for development.
 */
class GatewayTlsRenewalIT {
    private static final Duration HEARTBEAT = Duration.ofMillis(100);

    @TempDir
    Path dir;
    private LocalNodes nodes;
    private Gateway gateway;

    @AfterEach
    void stop() {
        if (gateway != null) {
            gateway.close();
        }
        if (nodes != null) {
            nodes.close();
        }
    }

    @Test
    void theGatewayTakesUpRenewedCertificateFilesWithoutARestart() throws Exception {
        SelfSignedCertificate first = new SelfSignedCertificate("localhost");
        Path cert = Files.copy(first.certificate().toPath(), dir.resolve("cert.pem"));
        Path key = Files.copy(first.privateKey().toPath(), dir.resolve("key.pem"));
        nodes = LocalNodes.builder().options(o -> o.bus(b -> b.heartbeat(HEARTBEAT))).build();
        nodes.start("a");
        gateway = Gateway.start(GatewayOptions.builder().host("127.0.0.1").port(0).heartbeat(HEARTBEAT).tls(cert, key, false).build(),
                nodes.embedded().membership(), nodes.embedded().sticky());
        assertThat(TlsClients.presented(gateway.url())).isEqualTo(first.cert());

        // A renewal caught between its two files (the new key beside the old certificate) is not taken
        // up: new connections keep getting the certificate in use until the pair is whole.
        SelfSignedCertificate second = new SelfSignedCertificate("localhost");
        replace(key, Files.readString(second.privateKey().toPath()));
        await().during(ServerTls.RELOAD_CHECK.plusSeconds(1)).atMost(ServerTls.RELOAD_CHECK.plusSeconds(3))
                .pollInterval(Duration.ofMillis(500)).untilAsserted(() -> assertThat(TlsClients.presented(gateway.url())).isEqualTo(first.cert()));

        replace(cert, Files.readString(second.certificate().toPath()));
        await().atMost(ServerTls.RELOAD_CHECK.multipliedBy(3)).pollInterval(Duration.ofMillis(250))
                .untilAsserted(() -> assertThat(TlsClients.presented(gateway.url())).isEqualTo(second.cert()));
        assertThat(TlsClients.firstFrame(gateway.url(), TlsClients.trusting(second.cert()))).contains("\"op\":\"welcome\"");
    }

    @Test
    void aSelfSignedGatewayServesWssForDevelopment() throws Exception {
        nodes = LocalNodes.builder().options(o -> o.bus(b -> b.heartbeat(HEARTBEAT))).build();
        nodes.start("a");
        gateway = Gateway.start(GatewayOptions.builder().host("127.0.0.1").port(0).heartbeat(HEARTBEAT).tls(null, null, true).build(),
                nodes.embedded().membership(), nodes.embedded().sticky());
        assertThat(gateway.url()).startsWith("wss://");
        X509Certificate made = TlsClients.presented(gateway.url());
        assertThat(made.getSubjectX500Principal().getName()).contains("CN=localhost");
        assertThat(TlsClients.firstFrame(gateway.url(), TlsClients.trusting(made))).contains("\"op\":\"welcome\"", "\"node\":\"a\"");
        try (Gateway another = Gateway.start(GatewayOptions.builder().host("127.0.0.1").port(0).heartbeat(HEARTBEAT).tls(null, null, true)
                .build(), nodes.embedded().membership(), nodes.embedded().sticky())) {
            assertThat(TlsClients.presented(another.url())).as("made at each start").isNotEqualTo(made);
        }
    }

    /**
     * Replaces {@code file} as a renewal does (written aside, moved in place), with a modification
     * time ahead of the last one: file systems with coarse timestamps would not show the change.
     */
    private void replace(Path file, String content) throws Exception {
        Path aside = Files.writeString(dir.resolve("aside"), content);
        FileTime before = Files.getLastModifiedTime(file);
        Files.move(aside, file, StandardCopyOption.REPLACE_EXISTING);
        Files.setLastModifiedTime(file, FileTime.fromMillis(before.toMillis() + 2000));
    }
}

package io.wscluster.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.netty.handler.ssl.util.SelfSignedCertificate;
import io.wscluster.NodeFixture;
import io.wscluster.StartupException;
import io.wscluster.WsCluster;
import io.wscluster.eventloops.ServerTls;
import io.wscluster.testkit.TlsClients;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** A node serving wss:// and https:// from PEM files the test makes, reloading them when they change; and self-signed. */
class TlsIT {
    @RegisterExtension
    final NodeFixture nodes = new NodeFixture();
    @TempDir
    Path dir;

    @Test
    void aNodeServesWssAndHttpsWithItsCertificateAndTakesUpANewOneWithoutARestart() throws Exception {
        SelfSignedCertificate first = new SelfSignedCertificate("localhost");
        Path cert = dir.resolve("cert.pem");
        Path key = dir.resolve("key.pem");
        Files.copy(first.certificate().toPath(), cert);
        Files.copy(first.privateKey().toPath(), key);
        WsCluster node = nodes.start(o -> o.transport(t -> t.tls(tls -> tls.withCertFile(cert).withKeyFile(key))));
        assertThat(node.url()).startsWith("wss://");
        assertThat(node.adminUrl()).startsWith("https://");

        SSLContext trustFirst = TlsClients.trusting(first.cert());
        assertThat(TlsClients.firstFrame(node.url(), trustFirst)).contains("\"op\":\"welcome\"");
        HttpClient https = HttpClient.newBuilder().sslContext(trustFirst).build();
        HttpResponse<String> health = https.send(HttpRequest.newBuilder(URI.create(TlsClients.local(node.httpUrl()) + "/health")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(node.httpUrl()).startsWith("https://");
        assertThatThrownBy(() -> TlsClients.firstFrame(node.url(), TlsClients.trusting(new SelfSignedCertificate("localhost").cert())))
                .as("a client that does not trust the certificate").hasStackTraceContaining("PKIX path");

        // Rotate: new files in place; new connections get the new certificate, within the reload check.
        SelfSignedCertificate second = new SelfSignedCertificate("localhost");
        Path tmp = dir.resolve("next");
        Files.copy(second.privateKey().toPath(), tmp, StandardCopyOption.REPLACE_EXISTING);
        Files.move(tmp, key, StandardCopyOption.REPLACE_EXISTING);
        Files.copy(second.certificate().toPath(), tmp, StandardCopyOption.REPLACE_EXISTING);
        Files.move(tmp, cert, StandardCopyOption.REPLACE_EXISTING);
        Files.setLastModifiedTime(cert, java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() + 2000));
        await().atMost(ServerTls.RELOAD_CHECK.multipliedBy(3)).pollInterval(Duration.ofMillis(250))
                .untilAsserted(() -> assertThat(TlsClients.presented(node.url())).isEqualTo(second.cert()));
        assertThat(TlsClients.firstFrame(node.url(), TlsClients.trusting(second.cert()))).contains("\"op\":\"welcome\"");
    }

    @Test
    void aSelfSignedNodeServesWssForDevelopment() throws Exception {
        WsCluster node = nodes.start(o -> o.transport(t -> t.tls(tls -> tls.withSelfSigned(true))));
        X509Certificate made = TlsClients.presented(node.url());
        assertThat(TlsClients.firstFrame(node.url(), TlsClients.trusting(made))).contains("\"op\":\"welcome\"");
        Files.deleteIfExists(node.selfSignedCertFile());
    }

    @Test
    void aSelfSignedNodeLeavesItsCertificateForClientsAndItNamesTheAddressesTheNodeReports() throws Exception {
        String id = "tls-" + UUID.randomUUID().toString().substring(0, 8); // not another run's file
        WsCluster node = nodes.start(o -> o.nodeId(id).transport(t -> t.tls(tls -> tls.withSelfSigned(true))));
        Path file = node.selfSignedCertFile();
        try {
            String user = System.getProperty("user.name").replaceAll("[^A-Za-z0-9_.-]", "_");
            assertThat(file).isEqualTo(Path.of(System.getProperty("java.io.tmpdir"), "wscluster-" + user, id + ".pem"));
            assertThat(Files.getPosixFilePermissions(file.getParent())).as("this user's alone")
                    .isEqualTo(PosixFilePermissions.fromString("rwx------"));
            X509Certificate written;
            try (var in = Files.newInputStream(file)) {
                written = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
            }
            assertThat(written).isEqualTo(TlsClients.presented(node.url()));
            // Trusted, it passes the name check on the very URLs the node reports: an IP address, not only localhost.
            HttpClient https = HttpClient.newBuilder().sslContext(TlsClients.trusting(written)).build();
            assertThat(node.adminUrl()).startsWith("https://127.0.0.1:");
            for (String base : List.of(node.adminUrl(), node.httpUrl(), TlsClients.local(node.httpUrl()))) {
                assertThat(https.send(HttpRequest.newBuilder(URI.create(base + "/health")).build(), HttpResponse.BodyHandlers.ofString())
                        .statusCode()).as(base).isEqualTo(200);
            }
        } finally {
            Files.deleteIfExists(file);
        }
    }

    @Test
    void theOperatorListenerServesHttpsWithTheSameCertificate() throws Exception {
        WsCluster node = nodes.start(o -> o.transport(t -> t.tls(tls -> tls.withSelfSigned(true))));
        assertThat(node.adminUrl()).startsWith("https://");
        X509Certificate made = TlsClients.presented(node.url());
        assertThat(TlsClients.presented(node.adminUrl())).isEqualTo(made);
        HttpClient https = HttpClient.newBuilder().sslContext(TlsClients.trusting(made)).build();
        HttpResponse<String> cluster = https.send(HttpRequest.newBuilder(URI.create(TlsClients.local(node.adminUrl()) + "/api/cluster"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(cluster.statusCode()).isEqualTo(200);
        assertThat(cluster.body()).contains(node.nodeId());
        HttpResponse<String> metrics = https.send(HttpRequest.newBuilder(URI.create(TlsClients.local(node.adminUrl()) + "/metrics"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(metrics.body()).contains("wsc_connections");
        assertThatThrownBy(() -> HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(node.adminUrl().replace("https://",
                "http://") + "/api/cluster")).timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString()))
                .as("plain HTTP to the operator listener").isInstanceOf(java.io.IOException.class);
    }

    @Test
    void filesThatAreNotACertificateAndKeyStopTheStartWithOneLine() throws Exception {
        Path cert = Files.writeString(dir.resolve("cert.pem"), "not a certificate");
        Path key = Files.writeString(dir.resolve("key.pem"), "not a key");
        assertThatThrownBy(() -> nodes.start(o -> o.transport(t -> t.tls(tls -> tls.withCertFile(cert).withKeyFile(key)))))
                .isInstanceOf(StartupException.class)
                .hasMessageContaining("must be a readable PEM certificate chain and its unencrypted PKCS#8 private key")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
        assertThatThrownBy(() -> nodes.start(o -> o.transport(t -> t.tls(tls -> tls.withCertFile(cert)))))
                .hasMessageContaining("tls-key-file");
    }
}

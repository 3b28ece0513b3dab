package io.wscluster.eventloops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.handler.ssl.util.SelfSignedCertificate;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Certificate files loaded as a listener loads them at start: what is taken, and what stops the start with one line. */
class ServerTlsTest {
    @TempDir
    Path dir;
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();

    @AfterEach
    void stop() {
        scheduler.shutdownNow();
    }

    @Test
    void aCertificateAndItsKeyAreTaken() throws Exception {
        SelfSignedCertificate rsa = new SelfSignedCertificate("localhost");
        SelfSignedCertificate ec = new SelfSignedCertificate("localhost", "EC", 256);
        for (SelfSignedCertificate made : new SelfSignedCertificate[] {rsa, ec}) {
            try (ServerTls sut = ServerTls.fromFiles(made.certificate().toPath(), made.privateKey().toPath(), scheduler)) {
                assertThat(sut.newHandler(io.netty.buffer.ByteBufAllocator.DEFAULT).engine().getUseClientMode()).isFalse();
            }
        }
    }

    @Test
    void aKeyOfAnotherCertificateIsRefusedWithOneLine() throws Exception {
        SelfSignedCertificate first = new SelfSignedCertificate("localhost");
        SelfSignedCertificate second = new SelfSignedCertificate("localhost");
        SelfSignedCertificate ec = new SelfSignedCertificate("localhost", "EC", 256);
        Path cert = first.certificate().toPath();
        for (Path key : new Path[] {second.privateKey().toPath(), ec.privateKey().toPath()}) {
            assertThatThrownBy(() -> ServerTls.fromFiles(cert, key, scheduler)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("tls-key-file " + key + " is not the private key of the certificate in tls-cert-file " + cert
                            + " (a renewal half done?)");
        }
    }

    @Test
    void aHalfWrittenCertificateIsRefused() throws Exception {
        SelfSignedCertificate made = new SelfSignedCertificate("localhost");
        String pem = Files.readString(made.certificate().toPath());
        Path half = Files.writeString(dir.resolve("half.pem"), pem.substring(0, pem.length() / 2));
        assertThatThrownBy(() -> ServerTls.fromFiles(half, made.privateKey().toPath(), scheduler))
                .hasMessageContaining("must be a readable PEM certificate chain");
    }
}

package io.wscluster.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.netty.handler.ssl.util.SelfSignedCertificate;
import io.wscluster.LocalNodes;
import io.wscluster.testkit.TestClient;
import io.wscluster.testkit.TlsClients;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The gateway terminating TLS for its clients, and speaking TLS to nodes that serve it, with
 * certificates the test makes (for {@code localhost}).
  *
 * <p>Known flaw, not yet understood: run in one JVM after the tests now in GatewayTlsRenewalIT, the
 * first test here lost the node's welcome through the gateway (no frame within 40 s) in about one
 * run of three; alone, or as this class stood before them, it passed every time.
 */
class GatewayTlsIT {
    private static final Duration HEARTBEAT = Duration.ofMillis(100);

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
    void clientsReachPlainNodesOverWssThroughTheGateway() throws Exception {
        SelfSignedCertificate cert = new SelfSignedCertificate("localhost");
        nodes = LocalNodes.builder().options(o -> o.bus(b -> b.heartbeat(HEARTBEAT))).build();
        nodes.start("a");
        gateway = Gateway.start(GatewayOptions.builder().host("127.0.0.1").port(0).heartbeat(HEARTBEAT)
                        .tls(cert.certificate().toPath(), cert.privateKey().toPath(), false).build(),
                nodes.embedded().membership(), nodes.embedded().sticky());
        assertThat(gateway.url()).startsWith("wss://");
        assertThat(TlsClients.firstFrame(gateway.url(), TlsClients.trusting(cert.cert()))).contains("\"op\":\"welcome\"", "\"node\":\"a\"");
    }

    @Test
    void theGatewayReachesNodesOverTlsTrustingTheirAuthorityAndRefusesOthers() throws Exception {
        SelfSignedCertificate nodeCert = new SelfSignedCertificate("localhost");
        int port = freePort();
        nodes = LocalNodes.builder().options(o -> o.bus(b -> b.heartbeat(HEARTBEAT))
                .transport(t -> t.port(port).advertisedUrl("wss://localhost:" + port + "/ws")
                        .tls(tls -> tls.withCertFile(nodeCert.certificate().toPath()).withKeyFile(nodeCert.privateKey().toPath()))))
                .build();
        nodes.start("secure");
        gateway = gateway(nodeCert.certificate().toPath());
        TestClient c = TestClient.connect(gateway.url());
        assertThat(c.next("welcome").path("node").asText()).isEqualTo("secure");
        c.close();
        gateway.close();

        gateway = gateway(new SelfSignedCertificate("localhost").certificate().toPath()); // another authority
        TestClient.Refused refused = catchThrowableOfType(TestClient.Refused.class, () -> TestClient.connect(gateway.url()));
        assertThat(refused).as("a node whose certificate the gateway does not trust").isNotNull();
        assertThat(refused.status()).isEqualTo(502);
    }

    private Gateway gateway(Path nodeCa) throws InterruptedException {
        return Gateway.start(GatewayOptions.builder().host("127.0.0.1").port(0).heartbeat(HEARTBEAT).nodeCaFile(nodeCa).build(),
                nodes.embedded().membership(), nodes.embedded().sticky());
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}

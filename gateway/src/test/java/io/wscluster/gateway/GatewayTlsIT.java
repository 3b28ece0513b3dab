package io.wscluster.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.netty.handler.ssl.util.SelfSignedCertificate;
import io.wscluster.LocalNodes;
import io.wscluster.testkit.TestClient;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The gateway terminating TLS for its clients, and speaking TLS to nodes that serve it, with
 * certificates the test makes (for {@code localhost}).
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
        assertThat(firstFrame(gateway.url(), trusting(cert.cert()))).contains("\"op\":\"welcome\"", "\"node\":\"a\"");
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

    private static SSLContext trusting(X509Certificate cert) throws Exception {
        KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
        store.load(null, null);
        store.setCertificateEntry("gateway", cert);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(store);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        return ctx;
    }

    /** The first frame over a WebSocket opened with the JDK's client, by the name the certificates carry. */
    private static String firstFrame(String url, SSLContext ssl) throws Exception {
        CompletableFuture<String> first = new CompletableFuture<>();
        WebSocket ws = HttpClient.newBuilder().sslContext(ssl).build().newWebSocketBuilder()
                .buildAsync(URI.create(url.replace("127.0.0.1", "localhost")), new WebSocket.Listener() {
                    @Override
                    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                        first.complete(data.toString());
                        return null;
                    }
                }).get(5, TimeUnit.SECONDS);
        try {
            return first.get(5, TimeUnit.SECONDS);
        } finally {
            ws.abort();
        }
    }
}

package io.wscluster.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.wscluster.LocalNodes;
import io.wscluster.WsCluster;
import io.wscluster.protocol.Backoff;
import io.wscluster.security.RoomAccess;
import io.wscluster.testkit.TlsClients;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The SDK over {@code wss://} against a node with a self-signed certificate: it connects when told
 * to trust that certificate, under a name the certificate holds, and never otherwise.
 */
class TlsClientIT {
    private final LocalNodes nodes = LocalNodes.builder().options(o -> o.transport(t -> t.tls(tls -> tls.withSelfSigned(true)))
            .security(s -> s.roomPublish(RoomAccess.ANYONE))).build();
    private final List<WscClient> clients = new CopyOnWriteArrayList<>();
    private WsCluster node;

    @AfterEach
    void stop() throws Exception {
        clients.forEach(WscClient::close);
        if (node != null) {
            Files.deleteIfExists(node.selfSignedCertFile());
        }
        nodes.close();
    }

    @Test
    void connectsOverWssToACertificateItTrustsAndNotToOneItDoesNot() throws Exception {
        node = nodes.start("a");
        assertThat(node.url()).startsWith("wss://");
        String url = TlsClients.local(node.url()); // the name the certificate holds
        WscClient trusting = connect(ClientOptions.of(url).withTls(TlsClients.trusting(TlsClients.presented(node.url()))));
        trusting.connected().toCompletableFuture().get(10, TimeUnit.SECONDS);
        List<String> got = new CopyOnWriteArrayList<>();
        trusting.subscribe("secure", m -> got.add(m.data(String.class))).toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertThat(trusting.publish("secure", "over tls").toCompletableFuture().get(10, TimeUnit.SECONDS)).isEqualTo(1);
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> got.contains("over tls"));

        // The JVM's default trust store does not hold a certificate made now: no welcome, ever.
        List<ClientEvent> events = new CopyOnWriteArrayList<>();
        WscClient doubting = connect(ClientOptions.of(url));
        doubting.onEvent(events::add);
        Thread.sleep(1500);
        assertThat(doubting.state()).isNotEqualTo(ClientState.CONNECTED);
        assertThat(events).anySatisfy(e -> assertThat(e.type()).isEqualTo(ClientEvent.Type.DISCONNECTED));
    }

    private WscClient connect(ClientOptions options) {
        WscClient c = WscClient.connect(options.withBackoff(new Backoff(Duration.ofMillis(100), Duration.ofMillis(300), 2)));
        clients.add(c);
        return c;
    }
}

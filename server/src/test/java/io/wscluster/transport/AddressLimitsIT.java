package io.wscluster.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.wscluster.NodeFixture;
import io.wscluster.WsCluster;
import io.wscluster.eventloops.AcceptGate;
import io.wscluster.metrics.NodeMetrics;
import io.wscluster.security.ConnectionLimiter;
import io.wscluster.testkit.TestClient;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Connections per source address and new connections a second, hit and recovered by real clients
 * of a node on 127.0.0.1 that connect from other loopback addresses (127.0.0.2, ...), which the
 * default exemption (127.0.0.1, ::1) does not cover.
 */
class AddressLimitsIT {
    @RegisterExtension
    final NodeFixture nodes = new NodeFixture();

    @Test
    void anAddressHoldsAtMostItsConnectionsAndGetsInAgainWhenOneCloses() throws Exception {
        WsCluster node = nodes.start(o -> o.security(s -> s.maxConnectionsPerAddress(3).connectionRatePerAddress(0)));
        List<TestClient> held = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            held.add(from("127.0.0.2"));
        }
        assertThatThrownBy(() -> from("127.0.0.2")).as("closed at accept, before any answer")
                .isInstanceOf(IOException.class).isNotInstanceOf(TestClient.Refused.class);
        assertThat(refused(node, ConnectionLimiter.ADDRESS_CONNECTIONS)).isEqualTo(1.0);
        from("127.0.0.3"); // another address
        for (int i = 0; i < 5; i++) {
            nodes.open(); // from 127.0.0.1, exempt by default
        }

        held.get(0).close();
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(100)).ignoreExceptions()
                .until(() -> from("127.0.0.2").isOpen());
    }

    @Test
    void silentSocketsCountAndTheOneTooManyIsHeldUnreadThenReset() throws Exception {
        WsCluster node = nodes.start(o -> o.security(s -> s.maxConnectionsPerAddress(3)));
        int port = URI.create(node.url()).getPort();
        List<Socket> silent = new ArrayList<>();
        try {
            for (int i = 0; i < 4; i++) {
                silent.add(socketFrom("127.0.0.4", port));
            }
            // Each is accepted on its own event loop, so which of the four is the one too many is not known.
            Thread.sleep(AcceptGate.HOLD.toMillis() + 1000);
            int closed = 0;
            for (Socket s : silent) {
                closed += closedWithin(s, Duration.ofMillis(300)) ? 1 : 0;
            }
            assertThat(closed).as("closed without a byte read or written").isEqualTo(1);
            assertThat(refused(node, ConnectionLimiter.ADDRESS_CONNECTIONS)).isEqualTo(1.0);
        } finally {
            for (Socket s : silent) {
                s.close();
            }
        }
    }

    @Test
    void newConnectionsBeyondTheRateGet429AndGetInAfterTheWindow() throws Exception {
        WsCluster node = nodes.start(o -> o.security(s -> s.maxConnectionsPerAddress(0).connectionRatePerAddress(3)));
        TestClient.Attempts burst = TestClient.connectUntilRefused(nodes.options().withLocalAddress("127.0.0.5"), 20);
        assertThat(burst.admitted()).as("the bucket of 3, and what refilled meanwhile (a token every 333 ms)").isBetween(3, 8);
        assertThat(burst.refused()).extracting(TestClient.Refused::status, TestClient.Refused::retryAfter).containsExactly(429, "1");
        assertThat(burst.refused().body()).contains("rate_limited").contains("at most 3 a second (connection-rate-per-address)");
        assertThat(refused(node, ConnectionLimiter.ADDRESS_RATE)).isEqualTo(1.0);
        from("127.0.0.6"); // another address has its own bucket

        Thread.sleep(1100);
        assertThat(from("127.0.0.5").isOpen()).as("after the rate window").isTrue();
    }

    @Test
    void aTrustedProxyIsNotLimitedAtAcceptAndEachClientItNamesIsLimitedAtTheUpgrade() throws Exception {
        WsCluster node = nodes.start(o -> o.transport(t -> t.trustedProxies(List.of("127.0.0.7")))
                .security(s -> s.maxConnectionsPerAddress(2).connectionRatePerAddress(0)));
        for (int i = 1; i <= 5; i++) {
            viaProxy("198.51.100." + i); // five clients through one proxy address, over the cap of 2
        }
        TestClient first = viaProxy("203.0.113.9");
        viaProxy("203.0.113.9");
        assertThatThrownBy(() -> viaProxy("203.0.113.9")).isInstanceOfSatisfying(TestClient.Refused.class, r -> {
            assertThat(r.status()).isEqualTo(429);
            assertThat(r.body()).contains("at most 2 at once (max-connections-per-address)");
            assertThat(r.retryAfter()).isNotNull();
        });
        assertThat(refused(node, ConnectionLimiter.ADDRESS_CONNECTIONS)).isEqualTo(1.0);

        first.close();
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(100)).ignoreExceptions()
                .until(() -> viaProxy("203.0.113.9").isOpen());
    }

    @Test
    void anAddressWhoseConnectionWasClosedForAbuseIsRefusedForAWhile() throws Exception {
        WsCluster node = nodes.start();
        TestClient flooding = from("127.0.0.9");
        TestClient other = from("127.0.0.9"); // opened before the abuse: it stays
        flooding.pings(1000);
        assertThat(flooding.awaitClose(Duration.ofSeconds(5)).code()).isIn(1008, 1006);
        assertThatThrownBy(() -> from("127.0.0.9")).as("no fresh allowance by reconnecting").isInstanceOf(IOException.class);
        assertThat(refused(node, "address-abuse")).isPositive();
        from("127.0.0.10"); // other addresses are not touched
        assertThat(other.request(other.frame("ping")).path("op").asText()).isEqualTo("pong");
    }

    @Test
    void exemptAddressesComeFromTheSetting() throws Exception {
        nodes.start(o -> o.security(s -> s.maxConnectionsPerAddress(1).addressLimitExempt(List.of("127.0.0.64/26"))));
        for (int i = 0; i < 3; i++) {
            from("127.0.0.65");
        }
        nodes.open(); // 127.0.0.1: limited now that the setting leaves it out
        assertThatThrownBy(nodes::open).isInstanceOf(IOException.class);
    }

    private TestClient from(String address) throws IOException {
        return nodes.open(nodes.options().withLocalAddress(address));
    }

    private TestClient viaProxy(String client) throws IOException {
        return nodes.open(nodes.options().withLocalAddress("127.0.0.7").withHeaders(Map.of("X-Forwarded-For", client)));
    }

    private static double refused(WsCluster node, String reason) {
        var counter = node.registry().find(NodeMetrics.CONNECTIONS_REFUSED).tag("reason", reason).counter();
        return counter == null ? 0 : counter.count();
    }

    private static Socket socketFrom(String address, int port) throws IOException {
        return new Socket(InetAddress.getLoopbackAddress(), port, InetAddress.getByName(address), 0);
    }

    /** Whether the peer closes {@code s} within {@code limit}, without sending anything. */
    private static boolean closedWithin(Socket s, Duration limit) throws IOException {
        s.setSoTimeout((int) limit.toMillis());
        try {
            return s.getInputStream().read() == -1;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException reset) {
            return true;
        }
    }
}

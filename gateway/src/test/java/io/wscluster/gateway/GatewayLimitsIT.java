package io.wscluster.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.wscluster.LocalNodes;
import io.wscluster.security.AddressLimits;
import io.wscluster.security.ConnectionLimiter;
import io.wscluster.testkit.TestClient;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The gateway's per-address limits, hit and recovered by real clients that connect from several
 * loopback addresses (127.0.0.2, ...) to a gateway on 127.0.0.1 in front of an embedded node.
 */
class GatewayLimitsIT {
    private final LocalNodes nodes = LocalNodes.builder().options(o -> o.bus(bus -> bus.heartbeat(Duration.ofMillis(100)))).build();
    private final List<TestClient> clients = new ArrayList<>();
    private Gateway gateway;

    @AfterEach
    void stop() {
        clients.forEach(TestClient::close);
        if (gateway != null) {
            gateway.close();
        }
        nodes.close();
    }

    @Test
    void aClientAddressHoldsAtMostItsConnectionsAndGetsInAgainWhenOneCloses() throws Exception {
        start(g -> g.addressLimits(new AddressLimits(3, 0, AddressLimits.DEFAULT_EXEMPT)));
        List<TestClient> held = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            held.add(from("127.0.0.2"));
        }
        assertThatThrownBy(() -> from("127.0.0.2")).as("closed at accept, before any answer")
                .isInstanceOf(IOException.class).isNotInstanceOf(TestClient.Refused.class);
        assertThat(refused(ConnectionLimiter.ADDRESS_CONNECTIONS)).isEqualTo(1.0);
        from("127.0.0.3"); // another address
        for (int i = 0; i < 5; i++) {
            open(TestClient.options(gateway.url())); // from 127.0.0.1, exempt by default
        }

        held.get(0).close();
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(100)).ignoreExceptions()
                .until(() -> from("127.0.0.2").isOpen());
    }

    @Test
    void newConnectionsBeyondTheRateGet429AndGetInAfterTheWindow() throws Exception {
        start(g -> g.addressLimits(new AddressLimits(0, 5, AddressLimits.DEFAULT_EXEMPT)));
        int admitted = 0;
        TestClient.Refused refused = null;
        for (int i = 0; i < 20 && refused == null; i++) {
            try {
                from("127.0.0.5").close();
                admitted++;
            } catch (TestClient.Refused r) {
                refused = r;
            }
        }
        assertThat(admitted).as("the bucket of 5, and what refilled meanwhile").isBetween(5, 10);
        assertThat(refused).isNotNull();
        assertThat(refused.status()).isEqualTo(429);
        assertThat(refused.retryAfter()).isEqualTo("1");
        assertThat(refused.body()).contains("rate_limited").contains("at most 5 a second (connection-rate-per-address)");
        assertThat(refused(ConnectionLimiter.ADDRESS_RATE)).isEqualTo(1.0);
        from("127.0.0.6"); // another address has its own bucket

        Thread.sleep(1100);
        assertThat(from("127.0.0.5").isOpen()).as("after the rate window").isTrue();
    }

    @Test
    void aTrustedProxyIsNotLimitedAtAcceptAndEachClientItNamesIsLimitedAtTheUpgrade() throws Exception {
        start(g -> g.trustedProxies(List.of("127.0.0.7")).addressLimits(new AddressLimits(2, 0, AddressLimits.DEFAULT_EXEMPT)));
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

        first.close();
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(100)).ignoreExceptions()
                .until(() -> viaProxy("203.0.113.9").isOpen());
    }

    private void start(UnaryOperator<GatewayOptions.Builder> options) throws InterruptedException {
        nodes.start("a");
        gateway = Gateway.start(options.apply(GatewayOptions.builder().host("127.0.0.1").port(0).heartbeat(Duration.ofMillis(100))).build(),
                nodes.embedded().membership(), nodes.embedded().sticky());
    }

    private TestClient from(String address) throws IOException {
        return open(TestClient.options(gateway.url()).withLocalAddress(address));
    }

    private TestClient viaProxy(String client) throws IOException {
        return open(TestClient.options(gateway.url()).withLocalAddress("127.0.0.7").withHeaders(Map.of("X-Forwarded-For", client)));
    }

    /** Connects through the gateway and reads the node's welcome. */
    private TestClient open(TestClient.Options options) throws IOException {
        TestClient c = TestClient.connect(options);
        clients.add(c);
        assertThat(c.next("welcome").path("node").asText()).isEqualTo("a");
        return c;
    }

    private double refused(String reason) {
        var counter = gateway.registry().find(GatewayMetrics.CONNECTIONS_REFUSED).tag("reason", reason).counter();
        return counter == null ? 0 : counter.count();
    }
}

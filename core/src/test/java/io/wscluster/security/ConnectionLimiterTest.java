package io.wscluster.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Connections per address and per user, and new connections per address, counted through their tickets. */
class ConnectionLimiterTest {
    private final List<String> refusals = new ArrayList<>();
    private final TrustedProxies proxies = new TrustedProxies(List.of("10.0.0.0/8"));

    private ConnectionLimiter limiter(int maxPerAddress, int newPerSecond, int maxPerUser) {
        return new ConnectionLimiter(new AddressLimits(maxPerAddress, newPerSecond, AddressLimits.DEFAULT_EXEMPT),
                new UserLimits(maxPerUser, 0), proxies, refusals::add);
    }

    @Test
    void anAddressHoldsAtMostItsConnectionsAndGetsRoomWhenOneCloses() {
        ConnectionLimiter sut = limiter(2, 0, 0);
        ConnectionLimiter.Ticket first = sut.accept("203.0.113.7");
        assertThat(sut.accept("203.0.113.7")).isNotNull();
        assertThat(sut.accept("203.0.113.7")).as("a third, at accept").isNull();
        assertThat(sut.accept("203.0.113.8")).as("another address").isNotNull();
        assertThat(refusals).containsExactly(ConnectionLimiter.ADDRESS_CONNECTIONS);

        first.release();
        first.release(); // idempotent: gives back one connection, not two
        assertThat(sut.accept("203.0.113.7")).isNotNull();
        assertThat(sut.accept("203.0.113.7")).isNull();
    }

    @Test
    void aDirectClientIsCountedOnceAtAcceptNotAgainAtTheUpgrade() {
        ConnectionLimiter sut = limiter(1, 0, 0);
        ConnectionLimiter.Ticket t = sut.accept("203.0.113.7");
        assertThat(t.admitAddress("203.0.113.7")).isNull();
        assertThat(refusals).isEmpty();
    }

    @Test
    void exemptAddressesAreNeverLimitedInAnySpelling() {
        ConnectionLimiter sut = limiter(1, 1, 0);
        for (int i = 0; i < 5; i++) {
            for (String loopback : List.of("127.0.0.1", "::1", "0:0:0:0:0:0:0:1")) {
                ConnectionLimiter.Ticket t = sut.accept(loopback);
                assertThat(t).isNotNull();
                assertThat(t.admitAddress(loopback)).isNull();
            }
        }
        assertThat(refusals).isEmpty();
    }

    @Test
    void aTrustedProxyIsNotCountedAtAcceptAndEachClientItNamesIsCountedAtTheUpgrade() {
        ConnectionLimiter sut = limiter(2, 0, 0);
        List<ConnectionLimiter.Ticket> fromProxy = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            fromProxy.add(sut.accept("10.0.0.5"));
        }
        assertThat(fromProxy).doesNotContainNull();
        assertThat(fromProxy.get(0).admitAddress("198.51.100.2")).isNull();
        assertThat(fromProxy.get(1).admitAddress("198.51.100.2")).isNull();
        ConnectionLimiter.Refusal third = fromProxy.get(2).admitAddress("198.51.100.2");
        assertThat(third.reason()).isEqualTo(ConnectionLimiter.ADDRESS_CONNECTIONS);
        assertThat(third.message()).contains("at most 2").contains("max-connections-per-address");
        assertThat(third.retryAfterSeconds()).isPositive();
        assertThat(fromProxy.get(3).admitAddress("198.51.100.3")).as("another client of the proxy").isNull();
        assertThat(fromProxy.get(4).admitAddress("10.0.0.6")).as("a proxy named as the client is not limited").isNull();

        fromProxy.get(0).release();
        assertThat(fromProxy.get(5).admitAddress("198.51.100.2")).isNull();
    }

    @Test
    void newConnectionsBeyondTheRateAreRefusedAndAdmittedAgainOnceTheBucketRefills() throws InterruptedException {
        ConnectionLimiter sut = limiter(0, 10, 0); // a token every 100 ms
        int admitted = 0;
        ConnectionLimiter.Refusal refused = null;
        for (int i = 0; i < 20 && refused == null; i++) {
            refused = sut.accept("203.0.113.7").admitAddress("203.0.113.7");
            admitted += refused == null ? 1 : 0;
        }
        assertThat(admitted).as("the bucket of 10, and what refilled meanwhile").isBetween(10, 12);
        assertThat(refused.reason()).isEqualTo(ConnectionLimiter.ADDRESS_RATE);
        assertThat(refused.message()).contains("at most 10 a second").contains("connection-rate-per-address");
        assertThat(refused.retryAfterSeconds()).isEqualTo(1);
        assertThat(sut.accept("203.0.113.8").admitAddress("203.0.113.8")).as("another address has its own bucket").isNull();

        Thread.sleep(250);
        assertThat(sut.accept("203.0.113.7").admitAddress("203.0.113.7")).isNull();
    }

    @Test
    void anIpv6HostIsCountedByItsSlash64() {
        ConnectionLimiter sut = limiter(2, 0, 0);
        assertThat(sut.accept("2001:db8:1:2::1")).isNotNull();
        assertThat(sut.accept("2001:db8:1:2:ffff::9")).isNotNull();
        assertThat(sut.accept("2001:db8:1:2:abcd::5")).as("a third address of the same /64").isNull();
        assertThat(sut.accept("2001:db8:1:3::1")).as("the next /64").isNotNull();
        assertThat(ConnectionLimiter.addressKey("2001:0db8:0001:0002:0000:0000:0000:0001")).isEqualTo("2001:db8:1:2::/64");
        assertThat(ConnectionLimiter.addressKey("::ffff:198.51.100.2")).as("IPv4-mapped").isEqualTo("198.51.100.2");
    }

    @Test
    void aUserHoldsAtMostItsConnectionsAndAnonymousConnectionsAreNoUser() {
        ConnectionLimiter sut = limiter(0, 0, 2);
        ConnectionLimiter.Ticket a = sut.accept("203.0.113.7");
        ConnectionLimiter.Ticket b = sut.accept("203.0.113.8");
        assertThat(a.admitUser("alice")).isNull();
        assertThat(b.admitUser("alice")).isNull();
        ConnectionLimiter.Refusal third = sut.accept("203.0.113.9").admitUser("alice");
        assertThat(third.reason()).isEqualTo(ConnectionLimiter.USER_CONNECTIONS);
        assertThat(third.message()).contains("at most 2").contains("max-connections-per-user");
        assertThat(sut.accept("203.0.113.9").admitUser("bob")).isNull();
        for (int i = 0; i < 5; i++) {
            assertThat(sut.accept("203.0.113.9").admitUser(null)).isNull();
        }

        a.release();
        assertThat(sut.accept("203.0.113.9").admitUser("alice")).isNull();
    }

    @Test
    void aReleasedTicketTakesNothingMore() {
        ConnectionLimiter sut = limiter(0, 0, 1);
        ConnectionLimiter.Ticket gone = sut.accept("203.0.113.7");
        gone.release();
        assertThat(gone.admitUser("alice")).isNull();
        assertThat(sut.accept("203.0.113.7").admitUser("alice")).as("the released ticket holds no slot").isNull();
    }

    @Test
    void limitsNameTheirSettingWhenRefused() {
        assertThatThrownBy(() -> new AddressLimits(-1, 0, List.of())).hasMessageStartingWith("max-connections-per-address: '-1'");
        assertThatThrownBy(() -> new AddressLimits(0, -1, List.of())).hasMessageStartingWith("connection-rate-per-address: '-1'");
        assertThatThrownBy(() -> new AddressLimits(0, 0, List.of("localhost")))
                .hasMessageStartingWith("address-limit-exempt: 'localhost' is not valid");
        assertThatThrownBy(() -> new UserLimits(-1, 0)).hasMessageStartingWith("max-connections-per-user: '-1'");
        assertThatThrownBy(() -> new UserLimits(0, -1)).hasMessageStartingWith("user-publish-rate: '-1'");
    }
}

package io.wscluster.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class TrustedProxiesTest {
    private final TrustedProxies proxies = new TrustedProxies(List.of("10.0.0.0/8", "192.168.1.7", "fd00::/8"));

    @Test
    void addressesAndBlocksAreTrusted() {
        assertThat(proxies.trusts("10.1.2.3")).isTrue();
        assertThat(proxies.trusts("192.168.1.7")).isTrue();
        assertThat(proxies.trusts("fd12::1")).isTrue();
        assertThat(proxies.trusts("11.0.0.1")).isFalse();
        assertThat(proxies.trusts("192.168.1.8")).isFalse();
        assertThat(proxies.trusts("fe80::1")).isFalse();
        assertThat(proxies.trusts("not-an-ip")).isFalse();
        assertThat(new TrustedProxies(List.of()).trusts("127.0.0.1")).as("none by default").isFalse();
    }

    @Test
    void aClientNamesItselfOnlyBehindATrustedProxy() {
        assertThat(proxies.clientIp("203.0.113.9", "1.2.3.4")).as("an untrusted peer is the client").isEqualTo("203.0.113.9");
        assertThat(proxies.clientIp("10.0.0.5", "198.51.100.2")).isEqualTo("198.51.100.2");
        assertThat(proxies.clientIp("10.0.0.5", "1.2.3.4, 198.51.100.2, 10.9.9.9"))
                .as("the nearest untrusted hop; what the client wrote before it does not count").isEqualTo("198.51.100.2");
        assertThat(proxies.clientIp("10.0.0.5", null)).isEqualTo("10.0.0.5");
    }

    @Test
    void namesAndBadBlocksAreRefused() {
        for (String bad : List.of("proxy.example", "10.0.0.0/33", "10.0.0.0/x", "::1/129")) {
            assertThatThrownBy(() -> new TrustedProxies(List.of(bad))).hasMessageStartingWith("trusted-proxies: '" + bad + "'");
        }
    }
}

package io.wscluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.URI;
import java.util.Collections;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** The host part of the URLs a node advertises for the address it listens on, read back as a client reads them. */
class HostAddressTest {
    @ParameterizedTest
    @CsvSource({
            "127.0.0.1, 127.0.0.1, 127.0.0.1",
            "10.1.2.3, 10.1.2.3, 10.1.2.3",
            "::1, [::1], [::1]",
            "[::1], [::1], [::1]",
            "2001:db8::7, [2001:db8::7], [2001:db8::7]",
            "[2001:db8:0:0:0:0:0:7], [2001:db8:0:0:0:0:0:7], [2001:db8:0:0:0:0:0:7]",
            "node-1.example.internal, node-1.example.internal, node-1.example.internal",
            "localhost, localhost, localhost"})
    void aBoundHostIsWrittenSoThatAUrlWithAPortParsesBackToIt(String bound, String inUrl, String parsedHost) {
        assertThat(HostAddress.inUrl(bound)).isEqualTo(inUrl);
        URI url = URI.create("ws://" + HostAddress.inUrl(bound) + ":8080/ws");
        assertThat(url.getHost()).isEqualTo(parsedHost);
        assertThat(url.getPort()).isEqualTo(8080);
    }

    @ParameterizedTest
    @ValueSource(strings = {"0.0.0.0", "::", "[::]", "0:0:0:0:0:0:0:0", "[0:0:0:0:0:0:0:0]"})
    void everySpellingOfTheWildcardAddressGivesThisHostsNetworkAddress(String wildcard) {
        assertThat(HostAddress.inUrl(wildcard)).isEqualTo(HostAddress.onNetwork());
    }

    @ParameterizedTest
    @ValueSource(strings = {"0.0.0.1", "::2", "0.0.0.0.example", "[", "[]", ""})
    void whatIsNotTheWildcardIsNeverReplaced(String bound) {
        assertThat(HostAddress.inUrl(bound)).isNotEqualTo(HostAddress.onNetwork()).contains(bound.replace("[", "").replace("]", ""));
    }

    @Test
    void theNetworkAddressIsAnIpv4AddressOfAnInterfaceThatIsUpElseLoopback() throws Exception {
        String address = HostAddress.onNetwork();
        InetAddress parsed = InetAddress.getByName(address);
        assertThat(parsed).isInstanceOf(Inet4Address.class);
        if (address.equals("127.0.0.1")) {
            return; // a host with no network but loopback
        }
        assertThat(parsed.isLoopbackAddress() || parsed.isLinkLocalAddress()).isFalse();
        NetworkInterface nic = NetworkInterface.getByInetAddress(parsed);
        assertThat(nic).as("an address of this host").isNotNull();
        assertThat(nic.isUp()).isTrue();
        assertThat(Collections.list(nic.getInetAddresses())).contains(parsed);
    }
}

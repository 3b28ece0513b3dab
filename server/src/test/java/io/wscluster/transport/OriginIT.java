package io.wscluster.transport;

import io.wscluster.NodeFixture;
import io.wscluster.WsCluster;
import io.wscluster.testkit.RawHttp;
import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/** Browser pages of other sites may not open a WebSocket unless allowed-origins names them. */
class OriginIT {
    @RegisterExtension
    final NodeFixture nodes = new NodeFixture();

    @Test
    void byDefaultOnlyPagesOfTheSameOriginMayConnect() throws Exception {
        WsCluster node = nodes.start();
        String self = "http://" + URI.create(node.httpUrl()).getAuthority();
        assertThat(upgrade(node, null).status()).as("no Origin: not a browser page").isEqualTo(101);
        assertThat(upgrade(node, self).status()).isEqualTo(101);
        RawHttp.Answer evil = upgrade(node, "https://evil.example");
        assertThat(evil.status()).isEqualTo(403);
        assertThat(evil.body()).contains("forbidden", "allowed-origins");
        assertThat(upgrade(node, "http://127.0.0.1:1").status()).as("another port is another origin").isEqualTo(403);
        assertThat(upgrade(node, "https://app.example.com", "X-Forwarded-Host: app.example.com").status())
                .as("a page of the host a gateway in front serves").isEqualTo(101);
    }

    @Test
    void allowedOriginsAddOtherSitesWithWildcards() throws Exception {
        WsCluster node = nodes.start(o -> o.transport(t -> t.allowedOrigins(List.of("https://*.example.com", "https://app.test"))));
        assertThat(upgrade(node, "https://app.example.com").status()).isEqualTo(101);
        assertThat(upgrade(node, "https://APP.test").status()).isEqualTo(101);
        assertThat(upgrade(node, "http://app.example.com").status()).isEqualTo(403);
        assertThat(upgrade(node, "https://example.com.evil.test").status()).isEqualTo(403);
    }

    @Test
    void aStarAllowsAnyOrigin() throws Exception {
        WsCluster node = nodes.start(o -> o.transport(t -> t.allowedOrigins(List.of("*"))));
        assertThat(upgrade(node, "https://anywhere.example").status()).isEqualTo(101);
    }

    private static RawHttp.Answer upgrade(WsCluster node, String origin, String... more) throws Exception {
        List<String> headers = new java.util.ArrayList<>(List.of("Upgrade: websocket", "Connection: Upgrade",
                "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==", "Sec-WebSocket-Version: 13"));
        if (origin != null) {
            headers.add("Origin: " + origin);
        }
        headers.addAll(List.of(more));
        return RawHttp.send(node.httpUrl(), "GET", "/ws", headers.toArray(String[]::new));
    }
}

package io.wscluster.transport;

import com.fasterxml.jackson.databind.JsonNode;
import io.wscluster.NodeFixture;
import io.wscluster.WsCluster;
import io.wscluster.cluster.NodeState;
import io.wscluster.codec.Encoding;
import io.wscluster.testkit.RawHttp;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The operator surface is closed by default: the public listener serves clients only, the operator
 * listener listens on loopback, and no spelling of a path reaches a handler its plain form would not.
 */
class OperatorSurfaceIT {
    private static final List<String> OPERATOR_POSTS = List.of("/admin/drain", "/admin/shed?count=1&to=x", "/api/publish",
            "/api/send", "/api/broadcast");
    private static final List<String> OPERATOR_GETS = List.of("/api/cluster", "/api/route", "/api/failovers", "/metrics");
    /** Spellings of /admin/drain that servers or proxies may decode or normalise into it. */
    private static final List<String> DRAIN_SPELLINGS = List.of("/admin%2Fdrain", "/admin%2fdrain", "/%61dmin/drain",
            "/admin/%64rain", "/./admin/drain", "/ws/../admin/drain", "/api/../admin/drain", "//admin/drain", "/admin//drain",
            "/admin/drain/", "/admin/drain/.", "/ADMIN/drain", "/admin\\drain", "/admin/drain;x", "/admin/drain%00",
            "/%2e/admin/drain", "/ws%2F..%2Fadmin/drain");

    @RegisterExtension
    final NodeFixture nodes = new NodeFixture();

    @Test
    void thePublicListenerServesClientsOnly() throws Exception {
        WsCluster node = nodes.start();
        for (String path : OPERATOR_POSTS) {
            assertThat(RawHttp.send(node.httpUrl(), "POST", path).status()).as("POST %s on the public port", path).isEqualTo(404);
        }
        for (String path : OPERATOR_GETS) {
            assertThat(RawHttp.send(node.httpUrl(), "GET", path).status()).as("GET %s on the public port", path).isEqualTo(404);
        }
        assertThat(RawHttp.send(node.httpUrl(), "GET", "/").status()).as("the page is off by default").isEqualTo(404);
        assertThat(RawHttp.send(node.httpUrl(), "GET", "/wscluster.js").status()).as("and so is its script").isEqualTo(404);
        assertThat(RawHttp.send(node.httpUrl(), "GET", "/health").status()).isEqualTo(200);
        assertThat(RawHttp.send(node.httpUrl(), "GET", "/ready").status()).isEqualTo(200);
        assertThat(node.adminUrl()).startsWith("http://127.0.0.1:").isNotEqualTo(node.httpUrl());
        assertThat(node.state()).isEqualTo(NodeState.ACTIVE);
    }

    @Test
    void noSpellingOfAPathReachesWhatItsPlainFormReaches() throws Exception {
        WsCluster node = nodes.start();
        for (String base : List.of(node.httpUrl(), node.adminUrl())) {
            for (String path : DRAIN_SPELLINGS) {
                int status = RawHttp.send(base, "POST", path).status();
                assertThat(status).as("POST %s on %s", path, base).isIn(400, 404);
            }
        }
        assertThat(node.state()).as("nothing drained it").isEqualTo(NodeState.ACTIVE);
        // The plain path on the operator listener, from loopback, is the one that works.
        assertThat(RawHttp.send(node.adminUrl(), "POST", "/admin/drain").status()).isEqualTo(202);
    }

    @Test
    void theOperatorListenerAnswersLoopbackWithoutAKey() throws Exception {
        WsCluster node = nodes.start();
        RawHttp.Answer published = RawHttp.send(node.adminUrl(), "POST", "/api/publish", "Content-Type: application/json");
        assertThat(published.status()).as("reached the handler, which wants a body").isEqualTo(400);
        assertThat(RawHttp.send(node.adminUrl(), "GET", "/metrics").status()).isEqualTo(200);
        JsonNode cluster = Encoding.JSON.mapper().readTree(RawHttp.send(node.adminUrl(), "GET", "/api/cluster").body());
        assertThat(cluster.path("nodes").get(0).path("admin_url").asText()).isEqualTo(node.adminUrl());
        assertThat(RawHttp.send(node.adminUrl(), "GET", "/ws").status()).as("the operators' WebSocket wants an upgrade").isEqualTo(400);
    }

    @Test
    void aRequestAProxyForwardedIsNotTakenForALoopbackCaller() throws Exception {
        WsCluster node = nodes.start();
        for (String forwarded : List.of("X-Forwarded-For: 203.0.113.9", "X-Forwarded-For: 127.0.0.1", "Forwarded: for=203.0.113.9")) {
            assertThat(RawHttp.send(node.adminUrl(), "POST", "/api/publish", forwarded).status()).as("publish with %s", forwarded)
                    .isEqualTo(403);
            assertThat(RawHttp.send(node.adminUrl(), "POST", "/admin/drain", forwarded).status()).as("drain with %s", forwarded)
                    .isEqualTo(403);
            assertThat(RawHttp.send(node.adminUrl(), "GET", "/metrics", forwarded).status()).as("metrics with %s", forwarded)
                    .isEqualTo(403);
        }
        assertThat(node.state()).isEqualTo(NodeState.ACTIVE);
    }

    @Test
    void eachKindOfEndpointTakesItsOwnKey() throws Exception {
        WsCluster node = nodes.start(o -> o.security(s -> s.apiKey("pub-key").adminKey("admin-key")));
        String admin = node.adminUrl();
        assertThat(RawHttp.send(admin, "POST", "/admin/drain").status()).isEqualTo(401);
        assertThat(RawHttp.send(admin, "POST", "/admin/drain", "Authorization: Bearer pub-key").status()).isEqualTo(401);
        assertThat(RawHttp.send(admin, "POST", "/api/publish").status()).isEqualTo(401);
        assertThat(RawHttp.send(admin, "POST", "/api/publish", "Authorization: Bearer admin-key").status()).isEqualTo(401);
        assertThat(RawHttp.send(admin, "POST", "/api/publish", "Authorization: Bearer pub-key").status())
                .as("past the key, refused for its empty body").isEqualTo(400);
        assertThat(RawHttp.send(admin, "GET", "/api/cluster", "Authorization: Bearer admin-key").status()).isEqualTo(200);
        assertThat(RawHttp.send(admin, "GET", "/metrics").status()).as("a scraper on loopback").isEqualTo(200);
        assertThat(node.state()).isEqualTo(NodeState.ACTIVE);
        assertThat(RawHttp.send(admin, "POST", "/admin/drain", "Authorization: Bearer admin-key").status()).isEqualTo(202);
    }

    @Test
    void thePageShowsTheClusterPubliclyWithoutOperatorAddresses() throws Exception {
        WsCluster node = nodes.start(o -> o.transport(t -> t.page(true)));
        assertThat(RawHttp.send(node.httpUrl(), "GET", "/").body()).contains("wscluster");
        RawHttp.Answer sdk = RawHttp.send(node.httpUrl(), "GET", "/wscluster.js");
        assertThat(sdk.status()).as("the JavaScript SDK the page is built on").isEqualTo(200);
        assertThat(sdk.body()).contains("export class WscClient");
        RawHttp.Answer cluster = RawHttp.send(node.httpUrl(), "GET", "/api/cluster");
        assertThat(cluster.status()).isEqualTo(200);
        JsonNode first = Encoding.JSON.mapper().readTree(cluster.body()).path("nodes").get(0);
        assertThat(first.path("id").asText()).isEqualTo(NodeFixture.NODE_ID);
        assertThat(first.has("admin_url")).isFalse();
        assertThat(RawHttp.send(node.httpUrl(), "POST", "/api/publish").status()).isEqualTo(404);
    }
}

package io.wscluster.transport;

import static io.wscluster.transport.Wire.expect;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.wscluster.NodeFixture;
import io.wscluster.WsCluster;
import io.wscluster.metrics.NodeMetrics;
import io.wscluster.security.ConnectionLimiter;
import io.wscluster.testkit.TestClient;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** One user's limits on a node, over all its connections: how many it holds, and how fast they write together. */
class UserLimitsIT {
    private static final String SECRET = "user-limits-it-secret";

    @RegisterExtension
    final NodeFixture nodes = new NodeFixture();

    @Test
    void aUserHoldsAtMostItsConnectionsAndGetsInAgainWhenOneCloses() throws Exception {
        WsCluster node = nodes.start(o -> o.security(s -> s.jwtSecret(SECRET).allowAnonymous(true).maxConnectionsPerUser(2)));
        TestClient first = nodes.openAs("alice");
        nodes.openAs("alice");
        assertThatThrownBy(() -> nodes.openAs("alice")).isInstanceOfSatisfying(TestClient.Refused.class, r -> {
            assertThat(r.status()).isEqualTo(429);
            assertThat(r.body()).contains("rate_limited").contains("at most 2 (max-connections-per-user)");
            assertThat(r.retryAfter()).isNotNull();
        });
        assertThat(node.registry().find(NodeMetrics.CONNECTIONS_REFUSED).tag("reason", ConnectionLimiter.USER_CONNECTIONS)
                .counter().count()).isEqualTo(1.0);
        nodes.openAs("bob");
        for (int i = 0; i < 4; i++) {
            nodes.open(); // anonymous connections are no user
        }

        first.close();
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(100)).ignoreExceptions()
                .until(() -> nodes.openAs("alice").isOpen());
    }

    @Test
    void aUsersConnectionsShareOneWriteRateAndGetItBackAfterAPause() throws Exception {
        nodes.start(o -> o.security(s -> s.jwtSecret(SECRET).userPublishRate(5)));
        TestClient[] alice = {nodes.openAs("alice"), nodes.openAs("alice")};
        int acked = 0;
        int limited = 0;
        for (int i = 0; i < 30; i++) {
            TestClient c = alice[i % 2];
            JsonNode reply = c.request(c.frame("publish").put("room", "r").put("data", i));
            if (reply.path("op").asText().equals("ack")) {
                acked++;
            } else {
                assertThat(reply.path("code").asText()).isEqualTo("rate_limited");
                assertThat(reply.path("message").asText()).contains("5 messages a second over all its connections, user-publish-rate");
                limited++;
            }
        }
        assertThat(acked).as("the burst, twice the rate, and what refilled meanwhile: not twice that for two connections")
                .isBetween(10, 20);
        assertThat(limited).isPositive();
        TestClient bob = nodes.openAs("bob");
        expect(bob.request(bob.frame("publish").put("room", "r").put("data", "bob's own allowance")), "ack");

        Thread.sleep(1100);
        expect(alice[0].request(alice[0].frame("publish").put("room", "r").put("data", "after a pause")), "ack");
        assertThat(alice[0].isOpen() && alice[1].isOpen()).isTrue();
    }
}

package io.wscluster.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.wscluster.NodeFixture;
import io.wscluster.WsCluster;
import io.wscluster.metrics.NodeMetrics;
import io.wscluster.security.ConnectionLimiter;
import io.wscluster.testkit.TestClient;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** One user's limits on a node, over all its connections. */
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
}

package io.wscluster.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.wscluster.LocalNodes;
import io.wscluster.NodeFixture;
import io.wscluster.WsCluster;
import io.wscluster.security.ClientReach;
import io.wscluster.testkit.SharedRedis;
import io.wscluster.testkit.TestClient;
import java.io.IOException;
import java.time.Duration;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Three nodes, n1 to n3, of a cluster of their own on the class's Redis (200 ms heartbeats, a
 * JWT secret), started before each test; after it, the clients connected through this are
 * closed, then the nodes.
 *
 * <pre>{@code
 * @RegisterExtension
 * static final SharedRedis redis = new SharedRedis();
 * @RegisterExtension
 * final RedisNodes nodes = new RedisNodes(redis);
 * }</pre>
 */
final class RedisNodes implements BeforeEachCallback, AfterEachCallback {
    private static final String SECRET = "cluster-secret";

    private final SharedRedis redis;
    private final NodeFixture fixture = new NodeFixture();
    private LocalNodes nodes;

    RedisNodes(SharedRedis redis) {
        this.redis = redis;
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        nodes = fixture.cluster(b -> b.options(o -> o.security(s -> s.jwtSecret(SECRET).allowAnonymous(true).clientSend(ClientReach.ANYONE).clientBroadcast(ClientReach.ANYONE))
                .bus(bus -> bus.redisUrl(redis.url()).cluster(SharedRedis.namespace()).heartbeat(Duration.ofMillis(200)))
                .drain(d -> d.shutdownTimeout(Duration.ofSeconds(2)))).idPrefix("n"));
        nodes.start(3);
    }

    @Override
    public void afterEach(ExtensionContext context) {
        fixture.afterEach(context);
    }

    /** The i-th node started (from 0), stopped or not. */
    WsCluster get(int i) {
        return nodes.get(i);
    }

    /** Starts one more node of the cluster. */
    WsCluster start(String nodeId) {
        return nodes.start(nodeId);
    }

    /** Connects to the i-th node as {@code user} (null: anonymously) and reads the welcome. */
    TestClient connect(int node, String user) throws IOException {
        return connect(get(node), user);
    }

    /** Connects to {@code node} as {@code user} (null: anonymously) and reads the welcome. */
    TestClient connect(WsCluster node, String user) throws IOException {
        TestClient c = fixture.connect(user == null ? TestClient.options(node.url()) : fixture.optionsAs(node, user));
        c.next("welcome");
        return c;
    }

    static JsonNode subscribe(TestClient c, String room) {
        JsonNode r = c.request(c.frame("subscribe").put("room", room));
        assertThat(r.path("op").asText()).as(r.toString()).isEqualTo("subscribed");
        return r;
    }
}

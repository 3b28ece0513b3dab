package io.wscluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.wscluster.security.RoomAccess;
import io.wscluster.testkit.TestClient;
import io.wscluster.testkit.Tokens;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Real nodes on loopback and port 0, one alone or several of one cluster ({@link LocalNodes}),
 * and the test clients connected to them. Everything opened through the fixture is closed after
 * each test: clients first, so the nodes' graceful stop has nothing to wait for, then the nodes.
 *
 * <pre>{@code
 * @RegisterExtension
 * final NodeFixture nodes = new NodeFixture();
 *
 * @Test
 * void recovers() throws Exception {
 *     nodes.start(o -> o.historySize(5));
 *     TestClient c = nodes.open();          // connected, welcome already read
 * }
 *
 * @Test
 * void crosses() throws Exception {
 *     LocalNodes cluster = nodes.cluster(b -> b.options(o -> o.heartbeat(Duration.ofMillis(100))));
 *     WsCluster a = cluster.start("a");
 * }
 * }</pre>
 */
public final class NodeFixture implements AfterEachCallback {
    public static final String NODE_ID = "node-1";

    private final List<TestClient> clients = new ArrayList<>();
    private final List<LocalNodes> clusters = new ArrayList<>();
    private WsCluster node;

    /** Starts a node with the fixture's defaults. */
    public WsCluster start() {
        return start(UnaryOperator.identity());
    }

    /** Starts a node with the fixture's defaults changed by {@code options}. */
    public WsCluster start(UnaryOperator<NodeOptions.Builder> options) {
        return start(options, UnaryOperator.identity());
    }

    /** Starts a node with changed options and application hooks (ops, authorizers). */
    public WsCluster start(UnaryOperator<NodeOptions.Builder> options, UnaryOperator<WsCluster.Builder> setup) {
        // Several event loops even on a small machine, so fan-out crosses shards; a short shutdown
        // so a test that leaves a client behind cannot hang the suite.
        LocalNodes alone = cluster(b -> b.application(setup)
                .options(o -> options.apply(o.nodeId(NODE_ID).transport(t -> t.ioThreads(4))
                        .drain(d -> d.shutdownTimeout(Duration.ofSeconds(2))))));
        node = alone.start(alone.options().nodeId());
        return node;
    }

    /**
     * Nodes of one cluster, none started yet, as {@code nodes} describes them; stopped after the test.
     * Unlike a node's defaults, clients may publish to rooms, at any rate, in any number of rooms, and read their presence
     * (the tests of delivery need that; the tests of permissions and limits set what they test).
     */
    public LocalNodes cluster(UnaryOperator<LocalNodes.Builder> nodes) {
        LocalNodes cluster = nodes.apply(LocalNodes.builder().options(NodeFixture::permissive)).build();
        clusters.add(cluster);
        return cluster;
    }

    /** Rooms open to every client; writes (per connection or per user) and rooms a minute not limited, as most tests of delivery want them. */
    public static NodeOptions.Builder permissive(NodeOptions.Builder o) {
        return o.security(s -> s.roomPublish(RoomAccess.ANYONE).roomPresence(RoomAccess.ANYONE).clientPublishRate(0).clientPublishBytes(0)
                .userPublishRate(0).clientRoomsPerMinute(0).maxPendingRequests(0));
    }

    /** The node {@link #start started} last. */
    public WsCluster node() {
        if (node == null) {
            throw new IllegalStateException("start a node first");
        }
        return node;
    }

    /** Connection options for the node, JSON encoding. */
    public TestClient.Options options() {
        return TestClient.options(node().url());
    }

    /** Connection options carrying a valid token of {@code user}, signed with the node's JWT secret. */
    public TestClient.Options optionsAs(String user) {
        return optionsAs(node(), user);
    }

    /** Connection options for {@code node} carrying a valid token of {@code user}, signed with its JWT secret. */
    public TestClient.Options optionsAs(WsCluster node, String user) {
        String secret = node.options().security().jwt().secret();
        if (secret == null) {
            throw new IllegalStateException("the node has no JWT secret");
        }
        return TestClient.options(node.url()).withBearer(Tokens.hs256(secret, user));
    }

    /** Connects and leaves every frame, the welcome included, to the test. */
    public TestClient connect(TestClient.Options options) throws IOException {
        TestClient c = TestClient.connect(options);
        clients.add(c);
        return c;
    }

    /** Connects to {@code url} with JSON encoding and leaves every frame to the test. */
    public TestClient connect(String url) throws IOException {
        return connect(TestClient.options(url));
    }

    /** Connects anonymously and reads the welcome. */
    public TestClient open() throws IOException {
        return open(options());
    }

    /** Connects as {@code user} and reads the welcome. */
    public TestClient openAs(String user) throws IOException {
        return open(optionsAs(user));
    }

    /** Connects and reads the welcome. */
    public TestClient open(TestClient.Options options) throws IOException {
        TestClient c = connect(options);
        JsonNode welcome = c.next();
        assertThat(welcome.path("op").asText()).as("first frame %s", welcome).isEqualTo("welcome");
        return c;
    }

    @Override
    public void afterEach(ExtensionContext context) {
        RuntimeException failure = null;
        for (AutoCloseable open : opened()) {
            try {
                open.close();
            } catch (Exception e) {
                RuntimeException r = e instanceof RuntimeException re ? re : new IllegalStateException(e);
                failure = failure == null ? r : failure;
            }
        }
        clients.clear();
        clusters.clear();
        node = null;
        if (failure != null) {
            throw failure;
        }
    }

    /** Clients first, then the nodes. */
    private List<AutoCloseable> opened() {
        List<AutoCloseable> all = new ArrayList<>(clients);
        all.addAll(clusters);
        return all;
    }
}

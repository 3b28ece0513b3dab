package io.wscluster.transport;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.wscluster.NodeOptions;
import io.wscluster.WsCluster;
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
 * A real node on port 0 and the test clients connected to it. Everything opened through the
 * fixture is closed after each test: clients first, so the node's graceful stop has nothing to wait
 * for, then the node.
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
 * }</pre>
 */
final class NodeFixture implements AfterEachCallback {
    static final String NODE_ID = "node-1";

    private final List<TestClient> clients = new ArrayList<>();
    private final List<WsCluster> nodes = new ArrayList<>();
    private WsCluster node;

    /** Starts a node with the fixture's defaults. */
    WsCluster start() {
        return start(UnaryOperator.identity());
    }

    /** Starts a node with the fixture's defaults changed by {@code options}. */
    WsCluster start(UnaryOperator<NodeOptions.Builder> options) {
        return start(options, UnaryOperator.identity());
    }

    /** Starts a node with changed options and application hooks (ops, authorizers). */
    WsCluster start(UnaryOperator<NodeOptions.Builder> options, UnaryOperator<WsCluster.Builder> setup) {
        // Loopback only; several event loops even on a small machine, so fan-out crosses shards;
        // a short shutdown so a test that leaves a client behind cannot hang the suite.
        NodeOptions.Builder defaults = NodeOptions.builder()
                .host("127.0.0.1")
                .port(0)
                .nodeId(NODE_ID)
                .ioThreads(4)
                .shutdownTimeout(Duration.ofSeconds(2));
        WsCluster started = setup.apply(WsCluster.builder().options(options.apply(defaults).build())).start();
        nodes.add(started);
        node = started;
        return started;
    }

    /** The node started last. */
    WsCluster node() {
        if (node == null) {
            throw new IllegalStateException("start a node first");
        }
        return node;
    }

    /** Connection options for the node, JSON encoding. */
    TestClient.Options options() {
        return TestClient.options(node().url());
    }

    /** Connection options carrying a valid token of {@code user}, signed with the node's JWT secret. */
    TestClient.Options optionsAs(String user) {
        String secret = node().options().jwtSecret();
        if (secret == null) {
            throw new IllegalStateException("the node has no JWT secret");
        }
        return options().withBearer(Tokens.hs256(secret, user));
    }

    /** Connects and leaves every frame, the welcome included, to the test. */
    TestClient connect(TestClient.Options options) throws IOException {
        TestClient c = TestClient.connect(options);
        clients.add(c);
        return c;
    }

    /** Connects anonymously and reads the welcome. */
    TestClient open() throws IOException {
        return open(options());
    }

    /** Connects as {@code user} and reads the welcome. */
    TestClient openAs(String user) throws IOException {
        return open(optionsAs(user));
    }

    /** Connects and reads the welcome. */
    TestClient open(TestClient.Options options) throws IOException {
        TestClient c = connect(options);
        JsonNode welcome = c.next();
        assertThat(welcome.path("op").asText()).as("first frame %s", welcome).isEqualTo("welcome");
        return c;
    }

    @Override
    public void afterEach(ExtensionContext context) {
        RuntimeException failure = null;
        for (TestClient c : clients) {
            try {
                c.close();
            } catch (RuntimeException e) {
                failure = failure == null ? e : failure;
            }
        }
        clients.clear();
        for (WsCluster n : nodes) {
            try {
                n.stop();
            } catch (RuntimeException e) {
                failure = failure == null ? e : failure;
            }
        }
        nodes.clear();
        node = null;
        if (failure != null) {
            throw failure;
        }
    }
}

package io.wscluster.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.wscluster.NodeFixture;
import io.wscluster.WsCluster;
import io.wscluster.testkit.TestClient;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A node's HAProxy agent-check listener, as HAProxy uses it: connect, maybe send a line, read one line, see it closed. */
class AgentCheckIT {
    @RegisterExtension
    final NodeFixture fixture = new NodeFixture();

    @Test
    void anActiveNodeGivesItsWeightAndADrainingOneSaysDrain() throws Exception {
        int port = freePort();
        WsCluster node = fixture.start(o -> o.transport(t -> t.agentPort(port)).drain(d -> d.timeout(Duration.ofSeconds(5))));
        assertThat(ask(port)).matches("ready up (100|[1-9][0-9]?)%\n");
        TestClient client = TestClient.connect(node.url());
        client.next("welcome");

        node.drain();
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(ask(port)).isEqualTo("drain\n"));
        client.close();
    }

    @Test
    void offByDefault() {
        assertThat(io.wscluster.NodeOptions.defaults().transport().agentPort()).isEqualTo(TransportOptions.AGENT_OFF);
    }

    private static String ask(int port) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(5_000);
            OutputStream out = s.getOutputStream();
            out.write("hello\n".getBytes(StandardCharsets.US_ASCII)); // what an agent-send would say
            InputStream in = s.getInputStream();
            String line = new String(in.readAllBytes(), StandardCharsets.US_ASCII); // until the node closes
            return line;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}

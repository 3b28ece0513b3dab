package io.wscluster.transport;

import static io.wscluster.transport.Wire.expect;
import static org.assertj.core.api.Assertions.assertThat;

import io.wscluster.NodeFixture;
import io.wscluster.testkit.TestClient;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** WebSocket pings: a peer that answers stays, one that answers no ping for two intervals is closed. */
class PingIT {
    private static final Duration INTERVAL = Duration.ofMillis(200);

    @RegisterExtension
    final NodeFixture nodes = new NodeFixture();

    @BeforeEach
    void start() {
        nodes.start(o -> o.transport(t -> t.pingInterval(INTERVAL)));
    }

    @Test
    void welcomeAnnouncesTheInterval() throws Exception {
        TestClient c = nodes.connect(nodes.options());
        assertThat(expect(c.next(), "welcome").path("ping_ms").asLong()).isEqualTo(INTERVAL.toMillis());
    }

    @Test
    void aClientThatAnswersPingsStaysConnected() throws Exception {
        TestClient c = nodes.open();
        // Silent apart from its pongs for well over two intervals: only the pongs keep it alive.
        assertThat(c.poll(Duration.ofMillis(1600))).as("no frame expected").isNull();
        assertThat(c.isOpen()).isTrue();
        assertThat(c.closed()).isNotDone();
        expect(c.request(c.frame("ping")), "pong");
    }

    @Test
    void aClientThatAnswersNoPingIsClosed() throws Exception {
        TestClient answering = nodes.open();
        TestClient dead = nodes.open();
        dead.answerPings(false);

        // Two intervals are 400 ms; the bound only leaves room for a slow machine.
        dead.awaitClose(Duration.ofSeconds(3));
        assertThat(answering.isOpen()).isTrue();
        expect(answering.request(answering.frame("ping")), "pong");
    }
}

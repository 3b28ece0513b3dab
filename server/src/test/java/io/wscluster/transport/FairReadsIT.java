package io.wscluster.transport;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.wscluster.NodeFixture;
import io.wscluster.testkit.TestClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * One connection that writes thousands of requests at once, on a node with one event loop, through
 * {@link FairReads}: every request is answered, in order, the other connection of the loop too,
 * and the flooding one reads again afterwards. (FairReadsTest shows the turns themselves.)
 */
class FairReadsIT {
    private static final int BATCH = 5000;

    @RegisterExtension
    final NodeFixture nodes = new NodeFixture();

    @Test
    void aBatchInOneWriteIsAnsweredInFullAndInOrderAndTheConnectionReadsAgain() throws Exception {
        nodes.start(o -> o.transport(t -> t.ioThreads(1)));
        TestClient flooding = nodes.open();
        TestClient other = nodes.open();
        List<ObjectNode> batch = new ArrayList<>(BATCH);
        for (int i = 1; i <= BATCH; i++) {
            batch.add(flooding.frame("ping").put("id", i));
        }
        flooding.sendAll(batch);
        JsonNode otherPong = other.request(other.frame("ping"));

        long expected = 1;
        while (expected <= BATCH) {
            JsonNode pong = flooding.next(Duration.ofSeconds(30));
            assertThat(pong.path("op").asText()).isEqualTo("pong");
            assertThat(pong.path("id").asLong()).as("answers in the order of the requests").isEqualTo(expected++);
        }
        assertThat(otherPong.path("op").asText()).isEqualTo("pong");
        assertThat(flooding.request(flooding.frame("ping")).path("op").asText()).as("the flooding connection reads again afterwards")
                .isEqualTo("pong");
    }
}

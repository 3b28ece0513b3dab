package io.wscluster.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.wscluster.NodeFixture;
import io.wscluster.testkit.RedisServer;
import io.wscluster.testkit.TestClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code ack-replicas}: an ack waits for the replica to hold the message; without the replica, the outcome is unknown. */
class AckReplicasIT {
    @RegisterExtension
    final NodeFixture nodes = new NodeFixture();

    private RedisServer master;
    private RedisServer replica;

    @AfterEach
    void stop() {
        if (replica != null) {
            replica.stop();
        }
        if (master != null) {
            master.stop();
        }
    }

    @Test
    void anAckWaitsForTheReplicaAndWithoutOneTheOutcomeIsUnknown() throws Exception {
        master = RedisServer.start();
        replica = RedisServer.start("--replicaof", "127.0.0.1", String.valueOf(master.port()));
        nodes.start(o -> o.bus(b -> b.redisUrl(master.url()).cluster("ack-replicas").ackReplicas(1)));
        TestClient c = nodes.open();
        JsonNode ack = null;
        for (int i = 0; i < 50 && (ack == null || !ack.path("op").asText().equals("ack")); i++) {
            ack = c.request(c.frame("publish").put("room", "r").put("data", "replicated").put("idempotency_key", "k1"));
            Thread.sleep(100); // until the replica has synced
        }
        assertThat(ack.path("op").asText()).as(ack.toString()).isEqualTo("ack");

        replica.kill();
        JsonNode unknown = c.request(c.frame("publish").put("room", "r").put("data", "alone").put("idempotency_key", "k2"));
        assertThat(unknown.path("code").asText()).as(unknown.toString()).isEqualTo("outcome_unknown");
        assertThat(unknown.path("message").asText()).contains("replicas confirmed");
    }
}

package io.wscluster.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.wscluster.NodeFixture;
import io.wscluster.testkit.FaultProxy;
import io.wscluster.testkit.SharedRedis;
import io.wscluster.testkit.TestClient;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Publishes with an idempotency key on Redis: a repeat stores nothing and answers the first
 * placement, keys of different publishers never meet, and a publish whose outcome the node could
 * not know (Redis stalled after the command left) says so instead of {@code unavailable}; retried
 * with its key, it is stored once.
 */
class IdempotentPublishIT {
    @RegisterExtension
    static final SharedRedis redis = new SharedRedis();
    @RegisterExtension
    final NodeFixture nodes = new NodeFixture();

    private FaultProxy proxy;

    @BeforeEach
    void start() throws Exception {
        proxy = FaultProxy.to(redis.server().port());
        nodes.start(o -> o.security(s -> s.jwtSecret("s3cret").allowAnonymous(true))
                .bus(b -> b.redisUrl(proxy.url()).cluster(SharedRedis.namespace()).heartbeat(Duration.ofSeconds(3))));
    }

    @AfterEach
    void stop() {
        proxy.close();
    }

    @Test
    void aRepeatAnswersTheFirstPlacementAndStoresNothing() throws Exception {
        TestClient sub = nodes.open();
        RedisNodes.subscribe(sub, "r");
        TestClient alice = nodes.openAs("alice");
        long first = ack(alice.request(publish(alice, "k1", 1)));
        assertThat(ack(alice.request(publish(alice, "k1", 1)))).isEqualTo(first);
        TestClient aliceAgain = nodes.openAs("alice");
        assertThat(ack(aliceAgain.request(publish(aliceAgain, "k1", 1)))).as("the user's key, on any connection").isEqualTo(first);
        TestClient bob = nodes.openAs("bob");
        long bobs = ack(bob.request(publish(bob, "k1", 2)));
        assertThat(bobs).as("another publisher's key of the same name").isEqualTo(first + 1);

        assertThat(sub.next("message").path("offset").asLong()).isEqualTo(first);
        assertThat(sub.next("message").path("offset").asLong()).isEqualTo(bobs);
        JsonNode history = sub.request(sub.frame("history").put("room", "r"));
        assertThat(history.path("messages")).hasSize(2);
    }

    @Test
    void anUnknownOutcomeSaysSoAndItsRetryStoresTheMessageOnce() throws Exception {
        TestClient sub = nodes.open();
        RedisNodes.subscribe(sub, "r");
        TestClient alice = nodes.openAs("alice");
        proxy.blackhole(); // the command leaves and Redis does not answer in time; it runs once the link heals
        JsonNode unknown = alice.request(publish(alice, "k2", "once"));
        assertThat(unknown.path("code").asText()).as(unknown.toString()).isEqualTo("outcome_unknown");
        proxy.pass();

        long placed = -1;
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (placed < 0 && System.nanoTime() < deadline) {
            JsonNode retry = alice.request(publish(alice, "k2", "once"));
            if (retry.path("op").asText().equals("ack")) {
                placed = retry.path("offset").asLong();
            } else {
                Thread.sleep(200);
            }
        }
        assertThat(placed).as("the retry is acknowledged").isPositive();
        JsonNode history = sub.request(sub.frame("history").put("room", "r"));
        assertThat(history.path("messages")).as("stored once: " + history).hasSize(1);
        assertThat(history.path("messages").get(0).path("offset").asLong()).isEqualTo(placed);
    }

    @Test
    void whatCertainlyWasNotStoredIsUnavailable() throws Exception {
        TestClient alice = nodes.openAs("alice");
        redis.server().kill(); // once the node has noticed, a command never leaves: nothing can be stored
        JsonNode refused = null;
        for (int i = 0; i < 50 && (refused == null || !refused.path("code").asText().equals("unavailable")); i++) {
            refused = alice.request(publish(alice, "k3-" + i, 1));
            assertThat(refused.path("op").asText()).as(refused.toString()).isEqualTo("error");
            Thread.sleep(100);
        }
        assertThat(refused.path("code").asText()).as(refused.toString()).isEqualTo("unavailable");
        assertThat(refused.path("message").asText()).contains("nothing was stored");
        redis.server().restart();
    }

    private static ObjectNode publish(TestClient c, String key, Object data) {
        ObjectNode f = c.frame("publish").put("room", "r").put("idempotency_key", key);
        f.set("data", c.frame("x").textNode(String.valueOf(data)));
        return f;
    }

    private static long ack(JsonNode reply) {
        assertThat(reply.path("op").asText()).as(reply.toString()).isEqualTo("ack");
        return reply.path("offset").asLong();
    }
}

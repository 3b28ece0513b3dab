package io.wscluster.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.wscluster.testkit.RawHttp;
import io.wscluster.testkit.RedisServer;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code /api/cluster} and {@code wsc status} while the cluster's Redis is down: the last view, marked stale, never a 500. */
class StaleClusterViewIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void duringARedisOutageTheLastViewIsServedMarkedStale() throws Exception {
        try (RedisServer redis = RedisServer.start(); NodeProcesses nodes = new NodeProcesses()) {
            String url = nodes.start("stale-1", "--redis", redis.url(), "--cluster", "stale", "--metrics-interval", "200ms",
                    "--alert-rules", "default; redis-down-now: redis_up < 1 critical");
            String admin = NodeProcesses.adminUrl(url);
            JsonNode fresh = JSON.readTree(RawHttp.send(admin, "GET", "/api/cluster").body());
            assertThat(fresh.path("stale").asBoolean(true)).isFalse();
            assertThat(fresh.path("nodes").get(0).path("id").asText()).isEqualTo("stale-1");
            long readBefore = System.currentTimeMillis();

            redis.kill();
            RawHttp.Answer answer = RawHttp.send(admin, "GET", "/api/cluster");
            assertThat(answer.status()).isEqualTo(200);
            JsonNode stale = JSON.readTree(answer.body());
            assertThat(stale.path("stale").asBoolean()).as(answer.body()).isTrue();
            assertThat(stale.path("as_of").asLong()).isLessThanOrEqualTo(readBefore).isPositive();
            assertThat(stale.path("error").asText()).startsWith("cannot read the cluster's membership: ");
            assertThat(stale.path("nodes").get(0).path("id").asText()).isEqualTo("stale-1");

            // The node's own alert rule sees the outage too (the registry reads fail within a heartbeat).
            await().atMost(Duration.ofSeconds(10)).until(() -> JSON.readTree(RawHttp.send(admin, "GET", "/api/alerts").body())
                    .path("firing").findValuesAsText("alert").contains("redis-down-now"));

            NodeProcesses.Run status = NodeProcesses.run(Map.of(), "status", "--url", admin);
            assertThat(status.code()).as(status.output()).isZero();
            assertThat(status.output()).startsWith("STALE: cannot read the cluster's membership: ").contains("the view read at ")
                    .containsPattern("(?m)^stale-1 ");
        }
    }
}

package io.wscluster.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HistoryJsonTest {
    private final MetricHistory history = new MetricHistory(Duration.ofMinutes(1), Duration.ofSeconds(10));

    private static FigureSample sample(long millis, double connections, double p99, double redisUp) {
        double[] v = new double[Figure.values().length];
        v[Figure.CONNECTIONS.ordinal()] = connections;
        v[Figure.P99_DELIVERY_MS.ordinal()] = p99;
        v[Figure.REDIS_UP.ordinal()] = redisUp;
        v[Figure.CPU.ordinal()] = connections / 100;
        return new FigureSample(millis, v);
    }

    @Test
    void theHistoryKeepsItsWindowAndDropsTheOldest() {
        for (int i = 0; i < 8; i++) {
            history.add(sample(i * 10_000L, i, 0, 1));
        }
        assertThat(history.since(0)).extracting(FigureSample::atMillis).containsExactly(20_000L, 30_000L, 40_000L, 50_000L,
                60_000L, 70_000L);
        assertThat(history.since(55_000)).hasSize(2);
        assertThat(history.latest().atMillis()).isEqualTo(70_000);
    }

    @Test
    void aNodesHistoryIsInColumns() {
        JsonNode json = HistoryJson.node("n1", history, List.of(sample(10_000, 3, 1.5, 1), sample(20_000, 4, 2.5, 1)));
        assertThat(json.path("scope").asText()).isEqualTo("node");
        assertThat(json.path("at").toString()).isEqualTo("[10.0,20.0]");
        assertThat(json.path("figures").path("connections").toString()).isEqualTo("[3.0,4.0]");
        assertThat(json.path("figures").path("p99_delivery_ms").toString()).isEqualTo("[1.5,2.5]");
        assertThat(json.path("resolution_seconds").asDouble()).isEqualTo(10);
    }

    @Test
    void theClusterSumsCountsTakesTheWorstLatencyAndCountsOnlyNodesPresentInAStep() {
        Map<String, JsonNode> nodes = new LinkedHashMap<>();
        nodes.put("a", HistoryJson.node("a", history, List.of(sample(10_000, 3, 1, 1), sample(20_000, 4, 9, 1))));
        // b's clock is 2 s behind a's: the same steps. It has no sample in the second one.
        nodes.put("b", HistoryJson.node("b", history, List.of(sample(12_000, 10, 5, 0))));
        JsonNode json = HistoryJson.cluster(history, nodes, Map.of("c", "unreachable"));
        assertThat(json.path("at").toString()).isEqualTo("[10.0,20.0]");
        assertThat(json.path("node_count").toString()).isEqualTo("[2,1]");
        assertThat(json.path("figures").path("connections").toString()).isEqualTo("[13.0,4.0]");
        assertThat(json.path("figures").path("p99_delivery_ms").toString()).isEqualTo("[5.0,9.0]");
        assertThat(json.path("figures").path("redis_up").toString()).as("the least").isEqualTo("[0.0,1.0]");
        assertThat(json.path("figures").path("cpu").toString()).as("the mean").isEqualTo("[0.065,0.04]");
        assertThat(json.path("missing").path("c").asText()).isEqualTo("unreachable");
        assertThat(json.path("nodes").toString()).isEqualTo("[\"a\",\"b\"]");
    }
}

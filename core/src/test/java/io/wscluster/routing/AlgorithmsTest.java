package io.wscluster.routing;

import static io.wscluster.routing.Nodes.load;
import static io.wscluster.routing.Nodes.node;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.wscluster.cluster.NodeInfo;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Each algorithm alone, over fixed candidates: exact or bounded distributions. */
class AlgorithmsTest {
    private static final RouteRequest ANY = RouteRequest.of(null, null, null);

    @Test
    void roundRobinIsExact() {
        List<NodeInfo> nodes = List.of(node("a", 0, 100), node("b", 50, 100), node("c", 99, 100));
        Map<String, Integer> counts = picks(Algorithm.ROUND_ROBIN.create(AdaptiveWeights.DEFAULT), nodes, 3000);
        assertThat(counts).containsEntry("a", 1000).containsEntry("b", 1000).containsEntry("c", 1000);
    }

    @Test
    void weightedFollowsCapacityWithin5PercentOver10000Picks() {
        List<NodeInfo> nodes = List.of(node("a", 0, 5000), node("b", 0, 3000), node("c", 0, 2000));
        Map<String, Integer> counts = picks(Algorithm.WEIGHTED.create(AdaptiveWeights.DEFAULT), nodes, 10_000);
        assertThat(counts.get("a") / 10_000.0).isCloseTo(0.5, within(0.5 * 0.05));
        assertThat(counts.get("b") / 10_000.0).isCloseTo(0.3, within(0.3 * 0.05));
        assertThat(counts.get("c") / 10_000.0).isCloseTo(0.2, within(0.2 * 0.05));
    }

    @Test
    void weightedInterleavesAsInTheWorkedExample() {
        List<NodeInfo> nodes = List.of(node("a", 0, 5000), node("b", 0, 1000), node("c", 0, 1000));
        LoadBalancer w = Algorithm.WEIGHTED.create(AdaptiveWeights.DEFAULT);
        List<String> seq = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            seq.add(w.pick(nodes, ANY).id());
        }
        assertThat(seq).containsExactly("a", "a", "b", "a", "c", "a", "a");
    }

    @Test
    void leastConnectionsAlwaysPicksTheMinimum() {
        LoadBalancer lc = Algorithm.LEAST_CONNECTIONS.create(AdaptiveWeights.DEFAULT);
        List<NodeInfo> nodes = new ArrayList<>(List.of(node("a", 120, 1000), node("b", 80, 1000), node("c", 80, 1000)));
        for (int i = 0; i < 500; i++) {
            int min = nodes.stream().mapToInt(NodeInfo::connections).min().orElseThrow();
            NodeInfo picked = lc.pick(nodes, ANY);
            assertThat(picked.connections()).isEqualTo(min);
            nodes.set(nodes.indexOf(picked), picked.withConnections(picked.connections() + 1));
        }
        // 500 placed onto 280: 780 in all, 260 each.
        assertThat(nodes).extracting(NodeInfo::connections).containsExactly(260, 260, 260);
    }

    @Test
    void adaptivePrefersTheLightlyLoadedNode() {
        List<NodeInfo> nodes = List.of(load("busy", 1000, 10_000, 0.70, 0.50, 0, 900),
                load("light", 3000, 10_000, 0.20, 0.30, 0, 300));
        Map<String, Integer> counts = picks(Algorithm.ADAPTIVE.create(AdaptiveWeights.DEFAULT), nodes, 100);
        assertThat(counts).containsEntry("light", 100);

        Adaptive a = new Adaptive(AdaptiveWeights.DEFAULT);
        assertThat(a.score(nodes.get(0), 3000, 900)).isCloseTo(0.62, within(1e-9)); // the worked example
        assertThat(a.score(nodes.get(1), 3000, 900)).isCloseTo(0.7467, within(1e-4));
    }

    @Test
    void adaptiveAvoidsANodeWithErrorsAndFollowsItsWeights() {
        List<NodeInfo> nodes = List.of(load("erring", 100, 1000, 0.1, 0.1, 0.9, 0), load("healthy", 100, 1000, 0.1, 0.1, 0, 0));
        assertThat(Algorithm.ADAPTIVE.create(AdaptiveWeights.DEFAULT).pick(nodes, ANY).id()).isEqualTo("healthy");
        // With only the error weight left, a CPU-bound node is as good as an idle one: ties alternate.
        LoadBalancer errorsOnly = Algorithm.ADAPTIVE.create(new AdaptiveWeights(0, 0, 0, 1, 0));
        List<NodeInfo> tied = List.of(load("x", 0, 1000, 0.99, 0, 0, 0), load("y", 0, 1000, 0, 0, 0, 0));
        assertThat(picks(errorsOnly, tied, 10)).containsEntry("x", 5).containsEntry("y", 5);
    }

    @Test
    void randomSpreadsEvenly() {
        List<NodeInfo> nodes = List.of(node("a", 0, 100), node("b", 0, 100), node("c", 0, 100));
        Map<String, Integer> counts = picks(Algorithm.RANDOM.create(AdaptiveWeights.DEFAULT), nodes, 30_000);
        // 10,000 expected each; six standard deviations (~490) keep this from ever failing by chance.
        assertThat(counts.values()).allSatisfy(c -> assertThat(c).isBetween(9_400, 10_600));
    }

    @Test
    void ipHashKeepsAnAddressOnOneNode() {
        List<NodeInfo> nodes = List.of(node("a", 0, 100), node("b", 0, 100), node("c", 0, 100));
        LoadBalancer ip = Algorithm.IP_HASH.create(AdaptiveWeights.DEFAULT);
        Map<String, Integer> counts = new HashMap<>();
        for (int i = 0; i < 3000; i++) {
            String addr = "10.0." + (i / 256) + "." + (i % 256);
            String first = ip.pick(nodes, RouteRequest.of(addr, null, null)).id();
            assertThat(ip.pick(nodes, RouteRequest.of(addr, "someone", null)).id()).isEqualTo(first);
            counts.merge(first, 1, Integer::sum);
        }
        assertThat(counts.values()).allSatisfy(c -> assertThat(c).isBetween(700, 1300));
    }

    @Test
    void namesParseAndUnknownOnesAreListed() {
        for (Algorithm a : Algorithm.values()) {
            assertThat(Algorithm.parse(a.wireName())).isEqualTo(a);
        }
        assertThatThrownBy(() -> Algorithm.parse("fastest")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("unknown algorithm 'fastest': expected one of round-robin, least-connections, weighted, ip-hash,"
                        + " random, adaptive");
        assertThatThrownBy(() -> AdaptiveWeights.parse("0.4,0.2")).hasMessageContaining("five");
        assertThat(AdaptiveWeights.parse("0.4, 0.2,0.2,0.1,0.1")).isEqualTo(AdaptiveWeights.DEFAULT);
    }

    private static Map<String, Integer> picks(LoadBalancer b, List<NodeInfo> nodes, int n) {
        Map<String, Integer> counts = new HashMap<>();
        for (int i = 0; i < n; i++) {
            counts.merge(b.pick(nodes, ANY).id(), 1, Integer::sum);
        }
        return counts;
    }
}

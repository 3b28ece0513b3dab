package io.wscluster.routing;

import static io.wscluster.routing.Nodes.load;
import static io.wscluster.routing.Nodes.node;
import static org.assertj.core.api.Assertions.assertThat;

import io.wscluster.cluster.NodeInfo;
import io.wscluster.cluster.NodeState;
import java.util.List;
import org.junit.jupiter.api.Test;

class AgentCheckTest {
    private final AdaptiveWeights w = AdaptiveWeights.DEFAULT;

    @Test
    void anIdleNodeWeighsAllAndABusyOneLess() {
        NodeInfo idle = node("a", 0, 1000);
        NodeInfo busy = load("b", 900, 1000, 0.9, 0.8, 0, 500);
        List<NodeInfo> cluster = List.of(idle, busy);
        assertThat(AgentCheck.reply(idle, cluster, w)).isEqualTo("ready up 100%\n");
        // 0.1 × 0.4 + 0.1 × 0.2 + 0.2 × 0.2 + 1 × 0.1 + 0 × 0.1 = 0.20
        assertThat(AgentCheck.reply(busy, cluster, w)).isEqualTo("ready up 20%\n");
    }

    @Test
    void aFullNodeStillWeighsOnePercentNotZero() {
        NodeInfo full = load("a", 1000, 1000, 1, 1, 1, 100);
        assertThat(AgentCheck.reply(full, List.of(full), w)).isEqualTo("ready up 1%\n");
    }

    @Test
    void startingDrainingAndFencedNodesSayDrainAGoneOneDown() {
        assertThat(AgentCheck.reply(node("a", NodeState.JOINING), List.of(), w)).isEqualTo("drain\n");
        assertThat(AgentCheck.reply(node("a", NodeState.DRAINING), List.of(), w)).isEqualTo("drain\n");
        assertThat(AgentCheck.reply(node("a", NodeState.FENCED), List.of(), w)).isEqualTo("drain\n");
        assertThat(AgentCheck.reply(node("a", NodeState.OFFLINE), List.of(), w)).isEqualTo("down\n");
    }
}

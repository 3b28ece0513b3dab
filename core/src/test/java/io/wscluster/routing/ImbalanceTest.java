package io.wscluster.routing;

import static io.wscluster.routing.Nodes.node;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.wscluster.cluster.NodeState;
import java.util.List;
import org.junit.jupiter.api.Test;

class ImbalanceTest {
    @Test
    void theWorkedExample() {
        Imbalance.Report r = Imbalance.of(List.of(node("a", 900, 0), node("b", 600, 0), node("c", 0, 0)), 0.2);
        assertThat(r.spread()).isCloseTo(1.8, within(1e-9));
        assertThat(r.imbalanced()).isTrue();
        assertThat(r.moves()).containsExactly(new Imbalance.Move("a", "c", 400), new Imbalance.Move("b", "c", 100));
    }

    @Test
    void sharesFollowDeclaredCapacity() {
        // b is twice as large as a: 1,000 and 2,000 connections is even.
        assertThat(Imbalance.of(List.of(node("a", 1000, 5000), node("b", 2000, 10_000)), 0.2).imbalanced()).isFalse();
        Imbalance.Report r = Imbalance.of(List.of(node("a", 2000, 5000), node("b", 1000, 10_000)), 0.2);
        assertThat(r.moves()).containsExactly(new Imbalance.Move("a", "b", 1000));
    }

    @Test
    void aSpreadWithinTheThresholdIsBalancedAndInactiveNodesDoNotCount() {
        assertThat(Imbalance.of(List.of(node("a", 105, 1000), node("b", 95, 1000)), 0.2).imbalanced()).isFalse();
        assertThat(Imbalance.of(List.of(node("a", 500, 1000), node("b", NodeState.DRAINING)), 0.2).imbalanced()).isFalse();
        assertThat(Imbalance.of(List.of(), 0.2).spread()).isZero();
    }
}

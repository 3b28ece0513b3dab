package io.wscluster.routing;

import static io.wscluster.routing.Nodes.load;
import static io.wscluster.routing.Nodes.node;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.wscluster.cluster.NodeState;
import java.util.List;
import org.junit.jupiter.api.Test;

class ScalingAdviceTest {
    private final ScalingAdvice sut = ScalingAdvice.DEFAULT; // up 0.8, down 0.3: back to 0.55 when outside

    @Test
    void insideTheBandTheCountStays() {
        ScalingAdvice.Advice a = sut.advise(List.of(node("a", 500, 1000), node("b", 700, 1000), node("c", 300, 1000)));
        assertThat(a.utilisation()).isEqualTo(0.5);
        assertThat(a.active()).isEqualTo(3);
        assertThat(a.desired()).isEqualTo(3);
        assertThat(sut.advise(List.of(node("a", 790, 1000))).desired()).as("just under up").isEqualTo(1);
        assertThat(sut.advise(List.of(node("a", 310, 1000), node("b", 310, 1000))).desired()).as("just over down").isEqualTo(2);
    }

    @Test
    void aboveUpEnoughNodesToComeBackToTheMiddle() {
        // 3 nodes at 0.9: 2.7 nodes of work, over 0.55 each: 4.9, so 5.
        ScalingAdvice.Advice a = sut.advise(List.of(node("a", 900, 1000), node("b", 900, 1000), node("c", 900, 1000)));
        assertThat(a.desired()).isEqualTo(5);
    }

    @Test
    void belowDownAsFewAsComeBackToTheMiddleButOne() {
        // 4 nodes at 0.1: 0.4 nodes of work: 1 node.
        assertThat(sut.advise(List.of(node("a", 100, 1000), node("b", 100, 1000), node("c", 100, 1000), node("d", 100, 1000)))
                .desired()).isEqualTo(1);
        // 10 nodes at 0.2: 2 nodes of work, over 0.55: 4.
        List<io.wscluster.cluster.NodeInfo> ten = java.util.stream.IntStream.range(0, 10).mapToObj(i -> node("n" + i, 200, 1000)).toList();
        assertThat(sut.advise(ten).desired()).isEqualTo(4);
    }

    @Test
    void cpuCountsWhenItIsTheBusierFigureAndOnlyActiveNodesCount() {
        ScalingAdvice.Advice a = sut.advise(List.of(load("a", 100, 1000, 0.95, 0, 0, 0), load("b", 100, 1000, 0.95, 0, 0, 0),
                node("draining", NodeState.DRAINING)));
        assertThat(a.active()).isEqualTo(2);
        assertThat(a.utilisation()).isEqualTo(0.95);
        assertThat(a.desired()).isEqualTo(4); // 1.9 nodes of work over 0.55: 3.45, so 4
        assertThat(sut.advise(List.of()).desired()).as("no active node: one").isEqualTo(1);
    }

    @Test
    void thresholdsMustMakeABand() {
        assertThatThrownBy(() -> new ScalingAdvice(0.3, 0.5).checked()).hasMessageContaining("scale-down-threshold (0.5)")
                .hasMessageContaining("scale-up-threshold (0.3)");
        assertThatThrownBy(() -> new ScalingAdvice(1.2, 0.3).checked()).isInstanceOf(IllegalArgumentException.class);
        assertThat(new ScalingAdvice(0.9, 0.2).checked().up()).isEqualTo(0.9);
    }
}

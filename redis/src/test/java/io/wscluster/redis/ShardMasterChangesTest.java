package io.wscluster.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.RedisURI;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode.NodeFlag;
import java.util.BitSet;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class ShardMasterChangesTest {
    private static final List<Integer> FIRST = range(0, 5460);
    private static final List<Integer> SECOND = range(5461, 10922);
    private static final List<Integer> THIRD = range(10923, 16383);

    @Test
    void noSlotMovesWhileEveryMasterKeepsItsSlots() {
        List<RedisClusterNode> before = List.of(master("a", 7000, FIRST), master("b", 7001, SECOND), master("c", 7002, THIRD),
                replica("d", 7003, "a"));
        List<RedisClusterNode> suspected = List.of(node("a", 7000, FIRST, NodeFlag.UPSTREAM, NodeFlag.FAIL), master("b", 7001, SECOND),
                master("c", 7002, THIRD), replica("d", 7003, "a"));

        assertThat(ShardMasterChanges.movedSlots(before, before).isEmpty()).isTrue();
        assertThat(ShardMasterChanges.movedSlots(before, suspected).isEmpty()).as("a master taken for failed still serves").isTrue();
    }

    @Test
    void theSlotsOfAFailedOverMasterMoveToItsReplica() {
        List<RedisClusterNode> before = List.of(master("a", 7000, FIRST), master("b", 7001, SECOND), master("c", 7002, THIRD),
                replica("d", 7003, "a"));
        List<RedisClusterNode> after = List.of(node("a", 7000, List.of(), NodeFlag.UPSTREAM, NodeFlag.FAIL), master("b", 7001, SECOND),
                master("c", 7002, THIRD), master("d", 7003, FIRST));

        BitSet moved = ShardMasterChanges.movedSlots(before, after);

        assertThat(moved.cardinality()).isEqualTo(FIRST.size());
        assertThat(moved.nextSetBit(0)).isZero();
        assertThat(moved.previousSetBit(16383)).isEqualTo(5460);
    }

    @Test
    void aSlotReshardedToAnotherMasterMoves() {
        List<RedisClusterNode> before = List.of(master("a", 7000, FIRST), master("b", 7001, SECOND), master("c", 7002, THIRD));
        List<Integer> second = range(5462, 10922);
        List<Integer> first = range(0, 5461);
        List<RedisClusterNode> after = List.of(master("a", 7000, first), master("b", 7001, second), master("c", 7002, THIRD));

        BitSet moved = ShardMasterChanges.movedSlots(before, after);

        assertThat(moved.cardinality()).isEqualTo(1);
        assertThat(moved.get(5461)).isTrue();
    }

    private static RedisClusterNode master(String id, int port, List<Integer> slots) {
        return node(id, port, slots, NodeFlag.UPSTREAM);
    }

    private static RedisClusterNode replica(String id, int port, String masterId) {
        return new RedisClusterNode(RedisURI.create("127.0.0.1", port), id, true, masterId, 0, 0, 0, List.of(), Set.of(NodeFlag.REPLICA));
    }

    private static RedisClusterNode node(String id, int port, List<Integer> slots, NodeFlag... flags) {
        return new RedisClusterNode(RedisURI.create("127.0.0.1", port), id, true, null, 0, 0, 0, slots, Set.of(flags));
    }

    private static List<Integer> range(int from, int to) {
        return IntStream.rangeClosed(from, to).boxed().toList();
    }
}

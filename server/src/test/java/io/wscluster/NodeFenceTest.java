package io.wscluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.wscluster.cluster.Membership;
import io.wscluster.cluster.MembershipEvent;
import io.wscluster.cluster.NodeInfo;
import io.wscluster.cluster.NodeState;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

class NodeFenceTest {
    private static final Duration HEARTBEAT = Duration.ofSeconds(1);
    private static final List<NodeInfo> ONLY_N1 = List.of(node("n1"));

    @Test
    void aNodeMissingFromASoundViewIsNoMember() {
        assertThat(NodeFence.health(new Healthy(), HEARTBEAT, ONLY_N1, true, "n2")).contains("\"member\":false");
        assertThat(NodeFence.health(new Healthy(), HEARTBEAT, ONLY_N1, true, "n1")).contains("\"member\":true");
    }

    @Test
    void aNodeMissingFromAViewNotSoundForALeaseYetStillCounts() {
        // Its record may have lapsed only because its shard could be written by nobody for a while.
        assertThat(NodeFence.health(new Healthy(), HEARTBEAT, ONLY_N1, false, "n2"))
                .contains("\"redis\":\"ok\"").contains("\"member\":true");
    }

    @Test
    void withoutAMemberAskedTheBodySaysOnlyTheHealth() {
        assertThat(NodeFence.health(new Healthy(), HEARTBEAT, ONLY_N1, false, null)).isEqualTo("{\"status\":\"ok\",\"redis\":\"ok\"}");
    }

    private static NodeInfo node(String id) {
        return new NodeInfo(id, "ws://127.0.0.1:1/" + id, null, NodeState.ACTIVE, 0, 1000, 0, 0, 0, 0, 0, 1L, null);
    }

    /** A membership whose heartbeats have always got through. */
    private static final class Healthy implements Membership {
        @Override
        public CompletionStage<List<NodeInfo>> nodes() {
            return CompletableFuture.completedFuture(ONLY_N1);
        }

        @Override
        public void addListener(Consumer<MembershipEvent> listener) {
        }

        @Override
        public void removeListener(Consumer<MembershipEvent> listener) {
        }

        @Override
        public void onRegistrationLost(Runnable action) {
        }
    }
}

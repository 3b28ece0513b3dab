package io.wscluster.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.wscluster.resources.NodeResources;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The embedded membership announces join, update and leave as nodes on Redis do. */
class LocalMembershipTest {
    private static final Duration HEARTBEAT = Duration.ofMillis(50);

    private final NodeResources cluster = NodeResources.create("test-cluster");
    private final LocalMembership.Registry registry = new LocalMembership.Registry(cluster.scheduler(), HEARTBEAT);

    @AfterEach
    void close() {
        registry.close();
        cluster.close();
    }

    @Test
    void announcesJoinUpdateAndLeave() {
        List<MembershipEvent> seen = new CopyOnWriteArrayList<>();
        LocalMembership a = registry.join(() -> info("node-a", NodeState.ACTIVE));
        a.addListener(seen::add);
        AtomicReference<NodeState> stateOfB = new AtomicReference<>(NodeState.ACTIVE);
        LocalMembership b = registry.join(() -> info("node-b", stateOfB.get()));

        await().untilAsserted(() -> assertThat(seen).contains(event(MembershipEvent.Type.JOIN, "node-b")));
        assertThat(ids(a)).containsExactly("node-a", "node-b");

        stateOfB.set(NodeState.DRAINING); // noticed at the registry's next check, within a heartbeat
        await().untilAsserted(() -> assertThat(seen).contains(event(MembershipEvent.Type.UPDATE, "node-b")));

        b.close();
        await().untilAsserted(() -> assertThat(seen).contains(event(MembershipEvent.Type.LEAVE, "node-b")));
        assertThat(ids(a)).containsExactly("node-a"); // gone at once, not when its state turns offline
        assertThat(seen).filteredOn(e -> e.nodeId().equals("node-b")).extracting(MembershipEvent::type)
                .containsExactly(MembershipEvent.Type.JOIN, MembershipEvent.Type.UPDATE, MembershipEvent.Type.LEAVE);
    }

    @Test
    void anObserverListsNodesAndHearsEventsWithoutJoining() {
        LocalMembership observer = registry.observer();
        List<MembershipEvent> seen = new CopyOnWriteArrayList<>();
        observer.addListener(seen::add);

        registry.join(() -> info("node-a", NodeState.ACTIVE));

        await().untilAsserted(() -> assertThat(seen).containsExactly(event(MembershipEvent.Type.JOIN, "node-a")));
        assertThat(ids(observer)).containsExactly("node-a");
        observer.close(); // closing an observer leaves nothing: no node of its own
        assertThat(ids(registry.observer())).containsExactly("node-a");
    }

    @Test
    void aClosedMembershipHearsNoMoreAndAFailingListenerStopsNoOther() {
        List<MembershipEvent> seenByA = new CopyOnWriteArrayList<>();
        List<MembershipEvent> seenByObserver = new CopyOnWriteArrayList<>();
        LocalMembership a = registry.join(() -> info("node-a", NodeState.ACTIVE));
        a.addListener(seenByA::add);
        LocalMembership observer = registry.observer();
        observer.addListener(e -> {
            throw new IllegalStateException("a listener that fails");
        });
        observer.addListener(seenByObserver::add);

        a.close();
        registry.join(() -> info("node-b", NodeState.ACTIVE));

        await().untilAsserted(() -> assertThat(seenByObserver).containsExactly(
                event(MembershipEvent.Type.LEAVE, "node-a"), event(MembershipEvent.Type.JOIN, "node-b")));
        assertThat(seenByA).isEmpty();
    }

    @Test
    void aClusterOfOneListsItselfUntilItLeaves() {
        NodeResources node = NodeResources.create("node-a");
        try {
            LocalMembership sut = new LocalMembership(() -> info("node-a", NodeState.ACTIVE), node.scheduler(), HEARTBEAT);
            sut.onRegistrationLost(() -> {
                throw new AssertionError("an embedded registration is never lost");
            });
            assertThat(ids(sut)).containsExactly("node-a");
            sut.close();
            assertThat(ids(sut)).isEmpty();
        } finally {
            node.close();
        }
    }

    private static List<String> ids(Membership m) {
        return m.nodes().toCompletableFuture().join().stream().map(NodeInfo::id).toList();
    }

    private static MembershipEvent event(MembershipEvent.Type type, String id) {
        return new MembershipEvent(type, id);
    }

    private static NodeInfo info(String id, NodeState state) {
        return new NodeInfo(id, "ws://127.0.0.1:1/" + id, null, state, 0, 0, 0, 0, 0, 0, 0, 1L, null);
    }
}

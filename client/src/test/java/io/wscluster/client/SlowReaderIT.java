package io.wscluster.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.Counter;
import io.wscluster.LocalNodes;
import io.wscluster.WsCluster;
import io.wscluster.failover.Backoff;
import io.wscluster.metrics.NodeMetrics;
import io.wscluster.security.NamespaceSpec;
import io.wscluster.security.OverflowPolicy;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The SDK as a slow reader of {@code drop-oldest} rooms on real nodes: its handler blocks (so its
 * event loop stops reading) while messages of 8 kB are published until the node has dropped some of
 * those it held back, more than the sockets' buffers take. The node's {@code gap} frames reach the
 * listeners as {@link ClientEvent.Type#GAP} with the room and the offsets dropped; every other
 * message reaches the handler once, in order; and a resubscription after a gap does not ask for
 * what was dropped.
 */
class SlowReaderIT {
    private static final String DATA = "x".repeat(8000);
    /** Far more than the sockets' buffers (32 MB here) and the node's 1,000 held messages: give up beyond. */
    private static final int MAX_FLOOD = 12_000;

    private final LocalNodes nodes = LocalNodes.builder().options(o -> o
            .security(s -> s.namespaces(List.of(
                    new NamespaceSpec("feed", null, null, null, null, null, null, null, null, OverflowPolicy.DROP_OLDEST))))
            .bus(bus -> bus.heartbeat(Duration.ofMillis(100)))
            .drain(d -> d.pace(Duration.ofMillis(20)).shutdownTimeout(Duration.ofSeconds(2)))).build();
    private final CountDownLatch resume = new CountDownLatch(1);
    private final List<ClientEvent> events = new CopyOnWriteArrayList<>();
    private WscClient client;

    @AfterEach
    void stop() {
        resume.countDown();
        if (client != null) {
            client.close();
        }
        nodes.close();
    }

    @Test
    void aSlowReaderIsToldWhatWasDroppedAndGetsEveryOtherMessageOnceInOrder() throws Exception {
        WsCluster a = nodes.start("a");
        connect(a);
        List<RoomMessage> got = new CopyOnWriteArrayList<>();
        join(client.subscribe("feed:news", blockingAtFirst(got::add)));

        long last = floodUntilDropped(a, "feed:news");
        for (int i = 0; i < 100; i++) { // and then some, so that messages follow the last drop
            last = join(a.publish("feed:news", DATA)).offset();
        }
        resume.countDown();
        long end = last;
        await().atMost(Duration.ofSeconds(60)).until(() -> !got.isEmpty() && got.get(got.size() - 1).offset() == end);

        List<ClientEvent> gaps = events.stream().filter(e -> e.type() == ClientEvent.Type.GAP).toList();
        assertThat(gaps).as("told of the drops").isNotEmpty().allSatisfy(g -> {
            assertThat(g.detail()).isEqualTo("feed:news");
            assertThat(g.node()).isEqualTo("a");
            assertThat(g.lost()).isNotNull();
            assertThat(g.lost().epoch()).isEqualTo(got.get(0).epoch());
            assertThat(g.lost().from()).isBetween(2L, g.lost().to());
        });
        // Every offset exactly once: handed to the handler, or named by a gap; the handler's in order.
        List<Long> offsets = got.stream().map(RoomMessage::offset).toList();
        assertThat(offsets).isSorted().doesNotHaveDuplicates();
        for (long offset = 1; offset <= last; offset++) {
            long o = offset;
            long named = gaps.stream().filter(g -> g.lost().from() <= o && o <= g.lost().to()).count();
            assertThat(named + (offsets.contains(o) ? 1 : 0)).as("offset %d handed or named by one gap", o).isOne();
        }
        assertThat(client.duplicatesDropped()).isZero();
    }

    @Test
    void aResubscriptionAfterAGapDoesNotAskForWhatWasDropped() throws Exception {
        WsCluster a = nodes.start("a");
        WsCluster b = nodes.start("b");
        connect(a);
        List<Long> busy = new CopyOnWriteArrayList<>();
        List<Long> quiet = new CopyOnWriteArrayList<>();
        join(client.subscribe("feed:quiet", m -> quiet.add(m.offset())));
        join(client.subscribe("feed:busy", blockingAtFirst(m -> busy.add(m.offset()))));

        // The node holds 1,000 messages of feed:busy; then five of feed:quiet join them at the end,
        // and a thousand more of feed:busy push them all out: nothing of feed:quiet is left to
        // follow its gap, which comes once the node's backlog has drained.
        floodUntilDropped(a, "feed:busy");
        for (int i = 0; i < 5; i++) {
            join(a.publish("feed:quiet", "q" + i));
        }
        long last = 0;
        for (int i = 0; i < 1_100; i++) {
            last = join(a.publish("feed:busy", DATA)).offset();
        }
        resume.countDown();
        long end = last;
        await().atMost(Duration.ofSeconds(60)).until(() -> !busy.isEmpty() && busy.get(busy.size() - 1) == end
                && events.stream().anyMatch(e -> e.type() == ClientEvent.Type.GAP && e.detail().equals("feed:quiet")));
        ClientEvent quietGap = events.stream().filter(e -> e.type() == ClientEvent.Type.GAP && e.detail().equals("feed:quiet"))
                .findFirst().orElseThrow();
        assertThat(quietGap.lost()).extracting(ClientEvent.Lost::from, ClientEvent.Lost::to).containsExactly(1L, 5L);
        assertThat(quiet).isEmpty();

        // Moved to b, the client subscribes again since its positions: feed:quiet since 5, which the
        // history holds (recovered), so 1..5, still in it, do not come again.
        a.drain().toCompletableFuture().get(10, TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(10)).until(() -> "b".equals(client.node()) && client.state() == ClientState.CONNECTED
                && events.stream().filter(e -> e.type() == ClientEvent.Type.RESUBSCRIBED).count() == 2);
        long next = join(b.publish("feed:quiet", "q5")).offset();
        await().atMost(Duration.ofSeconds(10)).until(() -> !quiet.isEmpty());
        assertThat(next).isEqualTo(6);
        assertThat(quiet).containsExactly(6L);
        assertThat(events).filteredOn(e -> e.type() == ClientEvent.Type.GAP && e.detail().equals("feed:quiet")).hasSize(1);
        assertThat(client.duplicatesDropped()).isZero();
    }

    private void connect(WsCluster node) throws Exception {
        client = WscClient.connect(ClientOptions.of(node.url()).withKeepAlive(Duration.ofSeconds(30))
                .withBackoff(new Backoff(Duration.ofMillis(20), Duration.ofMillis(500), 2)));
        client.onEvent(events::add);
        join(client.connected());
    }

    /** A handler that, at its first message, holds the client's event loop (so it reads nothing) until {@link #resume}. */
    private Consumer<RoomMessage> blockingAtFirst(Consumer<RoomMessage> handler) {
        return m -> {
            handler.accept(m);
            if (m.offset() == 1) {
                try {
                    resume.await(120, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        };
    }

    /** Publishes into {@code room} (the first message blocks the reader) until the node dropped some; returns the last offset. */
    private long floodUntilDropped(WsCluster node, String room) throws Exception {
        long last = 0;
        for (int i = 0; i < MAX_FLOOD && dropped(node) == 0; i++) {
            last = join(node.publish(room, DATA)).offset();
        }
        assertThat(dropped(node)).as("the node dropped messages for the slow reader").isPositive();
        return last;
    }

    private static double dropped(WsCluster node) {
        Counter c = node.registry().find(NodeMetrics.OVERFLOW_DROPPED).tag("policy", "drop-oldest").counter();
        return c == null ? 0 : c.count();
    }

    private static <T> T join(CompletionStage<T> stage) throws Exception {
        return stage.toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
}

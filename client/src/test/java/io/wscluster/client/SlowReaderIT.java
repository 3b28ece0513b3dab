package io.wscluster.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.Counter;
import io.wscluster.LocalNodes;
import io.wscluster.WsCluster;
import io.wscluster.protocol.Backoff;
import io.wscluster.metrics.NodeMetrics;
import io.wscluster.security.NamespaceSpec;
import io.wscluster.security.OverflowPolicy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The SDK as a slow reader of rooms that drop rather than disconnect, on real nodes: its handler
 * blocks (so its event loop reads nothing) while messages of 8 kB are published until the node has
 * dropped some of those it held back. The node's {@code gap} frames reach the listeners as {@link
 * ClientEvent.Type#GAP} with the room and the offsets dropped; every other message reaches the
 * handler once, in order; and a resubscription after a gap does not ask for what was dropped.
 *
 * <p>The sockets do not stop taking bytes at once, nor for good: now and then the kernel makes
 * room in a full receive queue, and the node sends some of what it holds (a gap, then messages).
 * The tests hold whichever way each message went.
 */
class SlowReaderIT {
    private static final String DATA = "x".repeat(8000);
    /** Far more than the sockets' buffers and the node's 1,000 held messages: give up beyond. */
    private static final int MAX_FLOOD = 12_000;

    private final LocalNodes nodes = LocalNodes.builder().options(o -> o
            .security(s -> s.namespaces(List.of(
                    new NamespaceSpec("feed", null, null, null, null, null, null, null, null, OverflowPolicy.DROP_OLDEST),
                    new NamespaceSpec("ticker", null, null, null, null, null, null, null, null, OverflowPolicy.LATEST_PER_KEY))))
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

        long last = flood(a, "feed:news", "drop-oldest", 1);
        for (int i = 0; i < 100; i++) { // and then some, so that messages follow the last drop
            last = join(a.publish("feed:news", DATA)).offset();
        }
        resume.countDown();
        long end = last;
        await().atMost(Duration.ofSeconds(60)).until(() -> !got.isEmpty() && got.get(got.size() - 1).offset() == end);

        List<ClientEvent.Lost> gaps = gaps("feed:news");
        assertThat(gaps).as("told of the drops").isNotEmpty().allSatisfy(l -> {
            assertThat(l.epoch()).isEqualTo(got.get(0).epoch());
            assertThat(l.from()).isBetween(2L, l.to());
        });
        assertThat(events).filteredOn(e -> e.type() == ClientEvent.Type.GAP).extracting(ClientEvent::node).containsOnly("a");
        List<Long> offsets = got.stream().map(RoomMessage::offset).toList();
        assertThat(offsets).isSorted().doesNotHaveDuplicates();
        assertEachOnce(offsets, gaps, last);
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

        // The node holds 1,000 messages of feed:busy; five of feed:quiet join them at the end, and a
        // thousand more of feed:busy push them out: nothing of feed:quiet is left to follow its gap,
        // which comes once the node's backlog has drained, and the room stays quiet. (Unless the
        // socket took some of them meanwhile: the sockets take less and less often as the flood goes
        // on, hence its 3,000 drops first.)
        flood(a, "feed:busy", "drop-oldest", 3_000);
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
                && accounted(quiet, gaps("feed:quiet"), 5));
        assertEachOnce(quiet, gaps("feed:quiet"), 5);
        assertThat(gaps("feed:quiet")).as("the quiet room's last messages were dropped").isNotEmpty();
        List<Long> before = List.copyOf(quiet);

        // Moved to b, the client subscribes again since its positions: feed:quiet since the end of
        // its gap, which the history holds (recovered), so the dropped ones do not come again.
        a.drain().toCompletableFuture().get(10, TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(10)).until(() -> "b".equals(client.node()) && client.state() == ClientState.CONNECTED
                && events.stream().filter(e -> e.type() == ClientEvent.Type.RESUBSCRIBED).count() == 2);
        assertThat(join(b.publish("feed:quiet", "q5")).offset()).isEqualTo(6);
        await().atMost(Duration.ofSeconds(10)).until(() -> quiet.size() > before.size());
        assertThat(quiet.subList(before.size(), quiet.size())).as("after the move").containsExactly(6L);
        assertThat(client.duplicatesDropped()).isZero();
    }

    @Test
    void aMessageTheNodeKeptFromWithinAGapStillReachesTheHandler() throws Exception {
        WsCluster a = nodes.start("a");
        connect(a);
        List<RoomMessage> got = new CopyOnWriteArrayList<>();
        join(client.subscribe("ticker:fx", blockingAtFirst(got::add)));

        // latest-per-key: the node holds the newest quote of each pair. A quote of a pair of its own
        // among many of "eur": the eur quotes around it are dropped, and it is kept, inside the
        // gap's range (unless the socket took some meanwhile: twenty tries).
        flood(a, "ticker:fx", "latest-per-key", 200);
        List<Long> rare = new ArrayList<>();
        long last = 0;
        for (int i = 0; i < 20; i++) {
            rare.add(join(a.publish("ticker:fx", quote("pair-" + i, i))).offset());
            for (int j = 0; j < 3; j++) {
                last = join(a.publish("ticker:fx", quote("eur", j))).offset();
            }
        }
        resume.countDown();
        long end = last;
        await().atMost(Duration.ofSeconds(60)).until(() -> !got.isEmpty() && got.get(got.size() - 1).offset() == end);

        List<Long> offsets = got.stream().map(RoomMessage::offset).toList();
        assertThat(offsets).isSorted().doesNotHaveDuplicates().as("the newest of each pair").containsAll(rare);
        assertThat(rare).as("some inside a gap's range %s", gaps("ticker:fx"))
                .anyMatch(o -> gaps("ticker:fx").stream().anyMatch(l -> l.from() < o && o < l.to()));
        assertThat(client.duplicatesDropped()).isZero();
    }

    private static Map<String, Object> quote(String pair, int price) {
        return Map.of("key", pair, "price", price, "pad", DATA);
    }

    /** Every offset from 1 to {@code last} exactly once: handed to the handler, or named by a gap. */
    private static void assertEachOnce(List<Long> handed, List<ClientEvent.Lost> gaps, long last) {
        for (long offset = 1; offset <= last; offset++) {
            assertThat(times(offset, handed, gaps)).as("offset %d handed or named by one gap", offset).isOne();
        }
    }

    private static boolean accounted(List<Long> handed, List<ClientEvent.Lost> gaps, long last) {
        for (long offset = 1; offset <= last; offset++) {
            if (times(offset, handed, gaps) == 0) {
                return false;
            }
        }
        return true;
    }

    private static long times(long offset, List<Long> handed, List<ClientEvent.Lost> gaps) {
        return gaps.stream().filter(l -> l.from() <= offset && offset <= l.to()).count() + (handed.contains(offset) ? 1 : 0);
    }

    private List<ClientEvent.Lost> gaps(String room) {
        return events.stream().filter(e -> e.type() == ClientEvent.Type.GAP && e.detail().equals(room)).map(ClientEvent::lost).toList();
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

    /**
     * Publishes into {@code room} (its first message blocks the reader) until the node dropped
     * {@code drops} messages under {@code policy}; returns the last offset.
     */
    private long flood(WsCluster node, String room, String policy, int drops) throws Exception {
        long last = 0;
        for (int i = 0; i < MAX_FLOOD && dropped(node, policy) < drops; i++) {
            Object data = policy.equals("latest-per-key") ? quote("eur", i) : DATA;
            last = join(node.publish(room, data)).offset();
        }
        assertThat(dropped(node, policy)).as("messages the node dropped for the slow reader").isGreaterThanOrEqualTo(drops);
        return last;
    }

    private static double dropped(WsCluster node, String policy) {
        Counter c = node.registry().find(NodeMetrics.OVERFLOW_DROPPED).tag("policy", policy).counter();
        return c == null ? 0 : c.count();
    }

    private static <T> T join(CompletionStage<T> stage) throws Exception {
        return stage.toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
}

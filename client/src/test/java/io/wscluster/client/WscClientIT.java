package io.wscluster.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.wscluster.LocalNodes;
import io.wscluster.WsCluster;
import io.wscluster.protocol.Backoff;
import io.wscluster.hub.Session;
import io.wscluster.codec.ServerFrames;
import io.wscluster.security.ClientReach;
import io.wscluster.security.RoomAccess;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The SDK against real nodes of one embedded cluster: acks, and every message once, in order, across moves. */
class WscClientIT {
    /** The sessions the nodes opened, in order. */
    private final List<Session> sessions = new CopyOnWriteArrayList<>();
    private final LocalNodes nodes = LocalNodes.builder().options(o -> o.security(s -> s.clientBroadcast(ClientReach.ANYONE).roomPublish(RoomAccess.ANYONE).clientPublishRate(0).clientPublishBytes(0).roomPresence(RoomAccess.ANYONE)).history(h -> h.size(1000))
            .bus(bus -> bus.heartbeat(Duration.ofMillis(100)))
            .drain(d -> d.pace(Duration.ofMillis(20)).shutdownTimeout(Duration.ofSeconds(2))))
            .application(app -> app.onConnect(s -> sessions.add(s))).build();
    private final List<AutoCloseable> clients = new ArrayList<>();


    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable c : clients) {
            c.close();
        }
        nodes.close();
    }

    @Test
    void publishesWithAcksAndHandlesMessagesOnceInOrder() {
        WsCluster a = nodes.start("a");
        WscClient client = client(a.url());
        List<Long> got = new CopyOnWriteArrayList<>();
        client.connected().toCompletableFuture().join();
        client.subscribe("room", m -> got.add(m.offset())).toCompletableFuture().join();
        for (int i = 1; i <= 5; i++) {
            assertThat(client.publish("room", "m" + i).toCompletableFuture().join()).isEqualTo(i);
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> got.size() == 5);
        assertThat(got).containsExactly(1L, 2L, 3L, 4L, 5L);
        assertThat(client.presence("room").toCompletableFuture().join().connections()).isEqualTo(1);
        assertThat(client.state()).isEqualTo(ClientState.CONNECTED);
    }

    @Test
    void aDrainOrAStopMovesTheClientWithoutLosingOrRepeatingAMessage() throws Exception {
        WsCluster a = nodes.start("a");
        WsCluster b = nodes.start("b");
        WsCluster c = nodes.start("c");
        WscClient client = client(a.url(), b.url(), c.url());
        List<ClientEvent> events = new CopyOnWriteArrayList<>();
        client.onEvent(events::add);
        List<Long> got = new CopyOnWriteArrayList<>();
        client.connected().toCompletableFuture().join();
        assertThat(client.node()).isEqualTo("a");
        client.subscribe("feed", m -> got.add(m.offset())).toCompletableFuture().join();

        AtomicBoolean publishing = new AtomicBoolean(true);
        List<Long> accepted = new CopyOnWriteArrayList<>();
        Thread publisher = new Thread(() -> {
            while (publishing.get()) {
                accepted.add(c.publish("feed", "x").toCompletableFuture().join().offset());
                sleep(5);
            }
        });
        publisher.start();
        await().atMost(Duration.ofSeconds(5)).until(() -> got.size() > 50);
        a.drain().toCompletableFuture().get(); // a sends its client on (reconnect frame naming b or c) and stops
        await().atMost(Duration.ofSeconds(10)).until(() -> client.state() == ClientState.CONNECTED && !"a".equals(client.node()));
        String second = client.node();
        int before = got.size();
        await().atMost(Duration.ofSeconds(5)).until(() -> got.size() > before + 50);
        (second.equals("b") ? b : c).stop(); // a stop, not a drain: reconnect frame without a URL, close 1001
        await().atMost(Duration.ofSeconds(10)).until(() -> client.state() == ClientState.CONNECTED && !second.equals(client.node()));
        int after = got.size();
        await().atMost(Duration.ofSeconds(5)).until(() -> got.size() > after + 50);
        publishing.set(false);
        publisher.join(10_000);
        long last = accepted.get(accepted.size() - 1);
        await().atMost(Duration.ofSeconds(10)).until(() -> !got.isEmpty() && got.get(got.size() - 1) == last);

        // Each offset exactly once and in order, from the first seen to the last published.
        long first = got.get(0);
        List<Long> expected = new ArrayList<>();
        for (long o = first; o <= last; o++) {
            expected.add(o);
        }
        assertThat(got).containsExactlyElementsOf(expected);
        assertThat(events).extracting(ClientEvent::type).contains(ClientEvent.Type.MOVE_REQUESTED, ClientEvent.Type.DISCONNECTED);
        assertThat(events).filteredOn(e -> e.type() == ClientEvent.Type.CONNECTED).extracting(ClientEvent::detail)
                .containsExactly("new session", "new session", "new session"); // the client resubscribes with since itself
    }

    @Test
    void aRoomTheServerEndsIsDroppedAndNotSubscribedAgain() throws Exception {
        WsCluster a = nodes.start("a");
        WsCluster b = nodes.start("b");
        WscClient client = client(a.url(), b.url());
        List<ClientEvent> events = new CopyOnWriteArrayList<>();
        client.onEvent(events::add);
        List<Long> inbox = new CopyOnWriteArrayList<>();
        List<Long> kept = new CopyOnWriteArrayList<>();
        client.connected().toCompletableFuture().join();
        client.subscribe("inbox", m -> inbox.add(m.offset())).toCompletableFuture().join();
        client.subscribe("kept", m -> kept.add(m.offset())).toCompletableFuture().join();

        // The frame a node sends when the subscription token that granted a room expires. The SDK
        // has no subscription tokens yet, so the node is made to send it; it also stays subscribed,
        // which shows that the SDK drops what still comes of the room.
        sessions.get(0).send(ServerFrames.unsubscribed("inbox", "subscription token expired"));
        await().atMost(Duration.ofSeconds(5)).until(() -> events.stream().anyMatch(e -> e.type() == ClientEvent.Type.UNSUBSCRIBED));
        assertThat(events).filteredOn(e -> e.type() == ClientEvent.Type.UNSUBSCRIBED).extracting(ClientEvent::detail)
                .containsExactly("inbox");
        a.publish("inbox", "late").toCompletableFuture().get();
        a.publish("kept", "k").toCompletableFuture().get();
        await().atMost(Duration.ofSeconds(5)).until(() -> kept.size() == 1);
        assertThat(inbox).isEmpty();

        a.drain().toCompletableFuture().get(); // to b, which the client subscribes to its rooms again
        await().atMost(Duration.ofSeconds(10)).until(() -> "b".equals(client.node())
                && events.stream().anyMatch(e -> e.type() == ClientEvent.Type.RESUBSCRIBED));
        assertThat(events).filteredOn(e -> e.type() == ClientEvent.Type.RESUBSCRIBED).extracting(ClientEvent::detail)
                .containsExactly("kept");
        assertThat(client.presence("inbox").toCompletableFuture().join().connections()).isZero();
    }

    /** What a broadcast carries, as the receiver decodes it. */
    record Notice(String text, int level) {
    }

    @Test
    void aBroadcastReachesEveryConnectionOfTheClusterWithItsDataDecodable() throws Exception {
        WsCluster a = nodes.start("a");
        WsCluster b = nodes.start("b");
        WscClient sender = client(a.url());
        WscClient receiver = client(b.url());
        List<DirectMessage> got = new CopyOnWriteArrayList<>();
        receiver.onDirect(got::add);
        receiver.connected().toCompletableFuture().join();
        sender.connected().toCompletableFuture().join();
        sender.broadcast(new Notice("maintenance at noon", 2)).toCompletableFuture().get(10, java.util.concurrent.TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(5)).until(() -> !got.isEmpty());
        DirectMessage m = got.get(0);
        assertThat(m.broadcast()).isTrue();
        assertThat(m.user()).isNull();
        assertThat(m.data(Notice.class)).isEqualTo(new Notice("maintenance at noon", 2));
        assertThat(m.data()).isEqualTo("{\"text\":\"maintenance at noon\",\"level\":2}");
        assertThat(m.ts()).isPositive();
    }

    @Test
    void aBroadcastTheNodeDoesNotAllowIsRefusedWithItsCode() throws Exception {
        try (LocalNodes closed = LocalNodes.builder().build()) {
            WscClient c = client(closed.start("x").url());
            Throwable refused = org.assertj.core.api.Assertions.catchThrowable(() -> c.broadcast("hi").toCompletableFuture().join());
            assertThat(io.wscluster.protocol.Futures.cause(refused)).isInstanceOfSatisfying(WscException.class,
                    e -> assertThat(e.code()).isEqualTo("forbidden"));
        }
    }

    private WscClient client(String... urls) {
        WscClient c = WscClient.connect(ClientOptions.of(urls).withBackoff(new Backoff(Duration.ofMillis(20), Duration.ofMillis(500), 2)));
        clients.add(c);
        return c;
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

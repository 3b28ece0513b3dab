package io.wscluster.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.wscluster.LocalNodes;
import io.wscluster.WsCluster;
import io.wscluster.protocol.Backoff;
import io.wscluster.protocol.Futures;
import io.wscluster.security.RoomAccess;
import io.wscluster.testkit.FaultProxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Requests made while the client has no connection, against a real node behind a TCP proxy that
 * cuts the client off (reset, then silence: the client's reconnects reach no node) and lets it back:
 * they wait, in order, and complete after the reconnect, once the rooms are subscribed again; the
 * bound refuses the excess at once; the wait is bounded by the request timeout; close fails them.
 */
class HeldRequestsIT {
    private final LocalNodes nodes = LocalNodes.builder().options(o -> o.security(s -> s.roomPublish(RoomAccess.ANYONE)
            .clientPublishRate(0).clientPublishBytes(0).roomPresence(RoomAccess.ANYONE))).build();
    private final List<AutoCloseable> closing = new ArrayList<>();
    private FaultProxy proxy;

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable c : closing) {
            c.close();
        }
        if (proxy != null) {
            proxy.close();
        }
        nodes.close();
    }

    @Test
    void requestsMadeWhileCutOffCompleteAfterTheReconnectInOrderAndAfterTheResubscription() throws Exception {
        WscClient client = client(options(nodes.start("a")));
        List<String> got = new CopyOnWriteArrayList<>();
        join(client.subscribe("r", m -> got.add(m.data(String.class))));
        join(client.publish("r", "before"));

        cutOff(client);
        CompletableFuture<Long> first = client.publish("r", "held-1").toCompletableFuture();
        CompletableFuture<Long> second = client.publish("r", "held-2").toCompletableFuture();
        CompletableFuture<Presence> presence = client.presence("r").toCompletableFuture();
        Thread.sleep(700); // several reconnect attempts that reach no node
        assertThat(List.of(first, second, presence)).as("held, not failed").noneMatch(CompletableFuture::isDone);

        proxy.pass();
        assertThat(first.get(10, TimeUnit.SECONDS)).isEqualTo(2);
        assertThat(second.get(10, TimeUnit.SECONDS)).isEqualTo(3);
        assertThat(presence.get(10, TimeUnit.SECONDS).connections()).as("sent after the room was subscribed again").isEqualTo(1);
        await().atMost(Duration.ofSeconds(5)).until(() -> got.size() == 3);
        assertThat(got).containsExactly("before", "held-1", "held-2");
        assertThat(client.state()).isEqualTo(ClientState.CONNECTED);
    }

    @Test
    void manyHeldRequestsGoOutWithinTheNodesLimitOfPendingRequests() throws Exception {
        WscClient client = client(options(nodes.start("a")));
        join(client.connected());
        cutOff(client);
        List<CompletableFuture<Presence>> held = new ArrayList<>();
        for (int i = 0; i < 300; i++) { // three times the node's max-pending-requests (100 by default)
            held.add(client.presence("r" + (i % 10)).toCompletableFuture());
        }
        proxy.pass();
        for (CompletableFuture<Presence> p : held) {
            assertThat(p.get(10, TimeUnit.SECONDS).connections()).as("answered, not rate_limited").isZero();
        }
    }

    @Test
    void requestsBeforeTheFirstWelcomeWait() throws Exception {
        WsCluster a = nodes.start("a");
        WscClient client = client(ClientOptions.of(a.url()));
        CompletableFuture<Long> offset = client.publish("early", "x").toCompletableFuture();
        assertThat(offset.get(10, TimeUnit.SECONDS)).isEqualTo(1);
    }

    @Test
    void theBoundRefusesTheExcessAtOnceAndTheRestCompletes() throws Exception {
        WscClient client = client(options(nodes.start("a")).withMaxHeldRequests(2));
        join(client.connected());
        cutOff(client);
        CompletableFuture<Long> one = client.publish("r", 1).toCompletableFuture();
        CompletableFuture<Presence> two = client.presence("r").toCompletableFuture();
        CompletableFuture<Void> three = client.broadcast("too many").toCompletableFuture();
        assertThat(code(three)).isEqualTo("held_queue_full");
        assertThat(one).isNotDone();
        proxy.pass();
        assertThat(one.get(10, TimeUnit.SECONDS)).isEqualTo(1);
        assertThat(two.get(10, TimeUnit.SECONDS).room()).isEqualTo("r");
    }

    @Test
    void aHeldRequestFailsWithTimeoutAfterTheRequestTimeoutAndCloseFailsTheOthers() throws Exception {
        WscClient client = client(options(nodes.start("a")).withRequestTimeout(Duration.ofMillis(600)));
        join(client.connected());
        cutOff(client);
        long start = System.nanoTime();
        CompletableFuture<Presence> presence = client.presence("r").toCompletableFuture();
        CompletableFuture<Long> publish = client.publish("r", "x").toCompletableFuture();
        assertThat(code(presence)).isEqualTo("timeout");
        assertThat(code(publish)).as("never sent: certainly not stored").isEqualTo("timeout");
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isBetween(500L, 5_000L);

        CompletableFuture<Presence> waiting = client.presence("r").toCompletableFuture();
        client.close();
        assertThat(code(waiting)).isEqualTo("closed");
    }

    /** The node through a proxy, with quick reconnects and a short keep-alive (a silent connect gives up soon). */
    private ClientOptions options(WsCluster node) throws Exception {
        proxy = FaultProxy.to(node.port());
        return ClientOptions.of("ws://127.0.0.1:" + proxy.port() + "/ws")
                .withBackoff(new Backoff(Duration.ofMillis(20), Duration.ofMillis(200), 2)).withKeepAlive(Duration.ofMillis(150));
    }

    /** Resets the client's connection; its reconnects reach the proxy but no node until {@code proxy.pass()}. */
    private void cutOff(WscClient client) {
        proxy.blackhole();
        proxy.resetAll();
        await().atMost(Duration.ofSeconds(5)).until(() -> client.state() == ClientState.RECONNECTING);
    }

    private WscClient client(ClientOptions options) {
        WscClient c = WscClient.connect(options);
        closing.add(c);
        return c;
    }

    private static String code(CompletableFuture<?> f) {
        try {
            f.get(10, TimeUnit.SECONDS);
            throw new AssertionError("completed: " + f);
        } catch (java.util.concurrent.ExecutionException e) {
            return Futures.cause(e.getCause()) instanceof WscException w ? w.code() : e.getCause().toString();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static <T> T join(java.util.concurrent.CompletionStage<T> stage) throws Exception {
        return stage.toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
}

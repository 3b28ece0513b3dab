package io.wscluster.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.wscluster.client.ClientEvent;
import io.wscluster.client.ClientOptions;
import io.wscluster.client.ClientState;
import io.wscluster.client.WscClient;
import io.wscluster.failover.Backoff;
import io.wscluster.testkit.RedisServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * SIGKILL of one of three `wsc node` processes while 300 SDK clients receive a room stream at
 * 200 messages/s: every client ends with every message exactly once and in order, and the time
 * from the kill to the last of the dead node's clients receiving again is printed.
 */
class FailoverProcessIT {
    private static final int CLIENTS = 300;
    private static final int RATE = 200;

    private final NodeProcesses nodes = new NodeProcesses();
    private final List<WscClient> clients = new ArrayList<>();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    private RedisServer redis;

    /** What one client saw. */
    private static final class Seen {
        final List<Long> offsets = new CopyOnWriteArrayList<>();
        final List<ClientEvent> events = new CopyOnWriteArrayList<>();
        volatile long disconnectedAt;
        volatile long backAt;
    }

    @AfterEach
    void stop() {
        timer.shutdownNow();
        clients.forEach(WscClient::close);
        nodes.close();
        if (redis != null) {
            redis.stop();
        }
    }

    @Test
    void killingANodeUnder300ClientsLosesNoMessage() throws Exception {
        scenario(CLIENTS, Duration.ofSeconds(5), "SIGKILL", () -> {
            nodes.get(0).destroyForcibly(); // SIGKILL: a third of the clients lose their node
            nodes.get(0).waitFor(10, TimeUnit.SECONDS);
        });
    }

    @Test
    void freezingANodeUnderClientsLosesNoMessage() throws Exception {
        // SIGSTOP: the node's sockets stay open; its clients hear nothing and take it for hung after
        // twice their keep-alive, then move. SIGCONT at the end: it finds itself declared failed.
        scenario(60, Duration.ofMillis(500), "SIGSTOP", () -> nodes.signal(0, "STOP"));
        nodes.signal(0, "CONT");
    }

    interface Disruption {
        void run() throws Exception;
    }

    private void scenario(int clientCount, Duration keepAlive, String what, Disruption disrupt) throws Exception {
        redis = RedisServer.start();
        String cluster = "f" + System.nanoTime();
        List<String> urls = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            // History must reach back over a failover: 200 msg/s × a few seconds of reconnecting.
            // The default 1-s heartbeat: this test saturates the machine, and a 200-ms one would let the
            // survivors' own heartbeats come late enough for the cluster to take them for dead too.
            urls.add(nodes.start("n" + i, "--redis", redis.url(), "--cluster", cluster, "--history-size", "5000"));
        }
        List<Seen> seen = new ArrayList<>();
        for (int i = 0; i < clientCount; i++) {
            List<String> order = List.of(urls.get(i % 3), urls.get((i + 1) % 3), urls.get((i + 2) % 3));
            WscClient c = WscClient.connect(new ClientOptions(order, null, new Backoff(Duration.ofMillis(50), Duration.ofSeconds(1), 2),
                    Duration.ofSeconds(10), keepAlive));
            Seen s = new Seen();
            c.onEvent(e -> {
                s.events.add(e);
                if (e.type() == ClientEvent.Type.DISCONNECTED && s.disconnectedAt == 0) {
                    s.disconnectedAt = System.nanoTime();
                }
            });
            c.subscribe("stream", m -> {
                s.offsets.add(m.offset());
                if (s.disconnectedAt != 0 && s.backAt == 0) {
                    s.backAt = System.nanoTime();
                }
            });
            clients.add(c);
            seen.add(s);
        }
        for (WscClient c : clients) {
            c.connected().toCompletableFuture().get(30, TimeUnit.SECONDS);
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> clients.stream().allMatch(c -> c.state() == ClientState.CONNECTED));
        Thread.sleep(500); // the subscriptions of the last clients are in place

        WscClient publisher = WscClient.connect(ClientOptions.of(urls.get(1)));
        clients.add(publisher);
        publisher.connected().toCompletableFuture().get(10, TimeUnit.SECONDS);
        AtomicLong lastAccepted = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        var publishing = timer.scheduleAtFixedRate(() -> publisher.publish("stream", "tick").whenComplete((offset, e) -> {
            if (e == null) {
                lastAccepted.accumulateAndGet(offset, Math::max);
            } else {
                failed.incrementAndGet();
            }
        }), 0, 1_000_000 / RATE, TimeUnit.MICROSECONDS);

        Thread.sleep(4000);
        long killedAt = System.nanoTime();
        disrupt.run();
        Thread.sleep(5000);
        publishing.cancel(false);
        Thread.sleep(200);
        long last = lastAccepted.get();
        try {
            await().atMost(Duration.ofSeconds(60)).until(() -> seen.stream().allMatch(s -> !s.offsets.isEmpty()
                    && s.offsets.get(s.offsets.size() - 1) >= last));
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            for (int i = 0; i < seen.size(); i++) {
                Seen s = seen.get(i);
                if (s.offsets.isEmpty() || s.offsets.get(s.offsets.size() - 1) < last) {
                    System.out.printf("behind: client %d on %s, %s, %d offsets, last %s, events %s%n", i, clients.get(i).node(),
                            clients.get(i).state(), s.offsets.size(), s.offsets.isEmpty() ? "-" : s.offsets.get(s.offsets.size() - 1),
                            s.events);
                }
            }
            throw e;
        }

        long worst = 0;
        int moved = 0;
        for (Seen s : seen) {
            List<Long> expected = new ArrayList<>();
            for (long o = s.offsets.get(0); o <= s.offsets.get(s.offsets.size() - 1); o++) {
                expected.add(o);
            }
            assertThat(s.offsets).as("every offset once, in order; events %s", s.events).containsExactlyElementsOf(expected);
            assertThat(s.offsets.get(0)).isEqualTo(1L);
            if (s.disconnectedAt != 0) {
                moved++;
                worst = Math.max(worst, s.backAt - killedAt);
            }
        }
        assertThat(moved).isEqualTo(clientCount / 3);
        assertThat(failed.get()).isZero();
        seen.stream().flatMap(s -> s.events.stream()).filter(e -> e.type() == ClientEvent.Type.ERROR)
                .map(e -> e.detail().replaceAll("[0-9]+", "N")).distinct().limit(5).forEach(d -> System.out.println("client error: " + d));
        System.out.printf("failover: %d clients moved; from %s to the last of them receiving again: %d ms; %d messages%n",
                moved, what, TimeUnit.NANOSECONDS.toMillis(worst), last);
    }
}

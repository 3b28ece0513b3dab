package io.wscluster.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.wscluster.client.ClientEvent;
import io.wscluster.client.ClientOptions;
import io.wscluster.client.ClientState;
import io.wscluster.client.WscClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntFunction;

/**
 * SDK clients on one room stream, and a publisher at a fixed rate, for the failover tests: what
 * each client received and when it lost its connection and received again, and the check that
 * every client got every accepted message exactly once, in order.
 */
final class StreamClients implements AutoCloseable {
    static final String ROOM = "stream";

    /** What one client saw. */
    static final class Seen {
        final List<Long> offsets = new CopyOnWriteArrayList<>();
        final List<ClientEvent> events = new CopyOnWriteArrayList<>();
        volatile long disconnectedAt;
        volatile long backAt;
    }

    private final List<WscClient> clients = new ArrayList<>();
    private final List<Seen> seen = new ArrayList<>();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    private final AtomicLong lastAccepted = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();
    private ScheduledFuture<?> publishing;

    /** Connects {@code n} clients, client i with {@code options.apply(i)}, each subscribed to {@link #ROOM}; returns once all are. */
    StreamClients(int n, IntFunction<ClientOptions> options) throws Exception {
        for (int i = 0; i < n; i++) {
            WscClient c = WscClient.connect(options.apply(i));
            Seen s = new Seen();
            c.onEvent(e -> {
                s.events.add(e);
                if (e.type() == ClientEvent.Type.DISCONNECTED && s.disconnectedAt == 0) {
                    s.disconnectedAt = System.nanoTime();
                }
            });
            c.subscribe(ROOM, m -> {
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
    }

    List<WscClient> clients() {
        return clients;
    }

    /** Starts publishing to {@link #ROOM} through {@code publisherOptions}, {@code rate} messages a second. */
    void publish(ClientOptions publisherOptions, int rate) throws Exception {
        WscClient publisher = WscClient.connect(publisherOptions);
        clients.add(publisher);
        publisher.connected().toCompletableFuture().get(10, TimeUnit.SECONDS);
        publishing = timer.scheduleAtFixedRate(() -> publisher.publish(ROOM, "tick").whenComplete((offset, e) -> {
            if (e == null) {
                lastAccepted.accumulateAndGet(offset, Math::max);
            } else {
                refused.incrementAndGet();
            }
        }), 0, 1_000_000 / rate, TimeUnit.MICROSECONDS);
    }

    /**
     * Stops publishing, waits until every client has the last accepted message, and checks that
     * each received every offset from 1 exactly once, in order, and that no publish was refused.
     * Returns the last offset.
     */
    long stopAndCheck() throws Exception {
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
        for (Seen s : seen) {
            // A copy: publishes whose acks were still on their way when publishing stopped can go on
            // arriving, and the list must not grow between building the expectation and the check.
            List<Long> got = List.copyOf(s.offsets);
            List<Long> expected = new ArrayList<>();
            for (long o = got.get(0); o <= got.get(got.size() - 1); o++) {
                expected.add(o);
            }
            assertThat(got).as("every offset once, in order; events %s", s.events).containsExactlyElementsOf(expected);
            assertThat(got.get(0)).isEqualTo(1L);
        }
        assertThat(refused.get()).as("publishes refused").isZero();
        seen.stream().flatMap(s -> s.events.stream()).filter(e -> e.type() == ClientEvent.Type.ERROR)
                .map(e -> e.detail().replaceAll("[0-9]+", "N")).distinct().limit(5).forEach(d -> System.out.println("client error: " + d));
        return last;
    }

    /** The indexes of the clients that lost their connection. */
    List<Integer> moved() {
        List<Integer> moved = new ArrayList<>();
        for (int i = 0; i < seen.size(); i++) {
            if (seen.get(i).disconnectedAt != 0) {
                moved.add(i);
            }
        }
        return moved;
    }

    /** What client {@code i} was told and saw happen, for a failure's message. */
    List<ClientEvent> events(int i) {
        return seen.get(i).events;
    }

    /** From {@code since} (a {@link System#nanoTime}) to the last client that lost its connection receiving again. */
    long worstRecoveryMillis(long since) {
        return TimeUnit.NANOSECONDS.toMillis(seen.stream().filter(s -> s.disconnectedAt != 0).mapToLong(s -> s.backAt - since).max()
                .orElse(0));
    }

    @Override
    public void close() {
        timer.shutdownNow();
        clients.forEach(WscClient::close);
    }
}

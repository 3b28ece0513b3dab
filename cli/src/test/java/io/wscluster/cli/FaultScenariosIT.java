package io.wscluster.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.wscluster.client.ClientOptions;
import io.wscluster.client.WscClient;
import io.wscluster.protocol.Backoff;
import io.wscluster.testkit.FaultProxy;
import io.wscluster.testkit.RedisServer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The fault suite with the Java SDK: three `wsc node` processes, each reaching its own Redis
 * through a {@link FaultProxy}; 51 SDK subscribers in 10 rooms spread over the nodes; three SDK
 * publishers (one per node, a key on every publish) at 110 msg/s in all. Each scenario injects one
 * fault, lets publishing go on a while after it, and then a {@link HistoryChecker} follows every
 * acknowledged publish to every subscriber of its room: nothing may be lost without a {@code GAP},
 * doubled or reordered, and no subscriber of a node the fault did not take away may lose its
 * connection.
 *
 * <p>Short by default, in .ci/run: the scenarios the other fault tests do not cover already
 * ({@code -Dwsc.faults=all} runs every one). {@code bench/faults.sh} runs them long
 * ({@code -Dwsc.faults.scale=long}) and writes what each came to into docs/reliability.md.
 */
class FaultScenariosIT {
    private static final boolean LONG = "long".equals(System.getProperty("wsc.faults.scale"));
    private static final Set<String> CI = Set.of("REDIS_500MS_AWAY", "REDIS_MEMORY_FULL", "TWO_NODES_KILLED");
    private static final int SUBSCRIBERS = 51;
    private static final int ROOMS = 10;
    private static final int RATE = 110;
    /** How long a fault lasts, where it lasts a while. */
    private static final Duration FAULT = Duration.ofSeconds(LONG ? 20 : 6);
    /** How long publishing goes on after a fault before the check. */
    private static final Duration AFTER = Duration.ofSeconds(LONG ? 10 : 4);

    /** The cluster a scenario runs on. */
    record Cluster(RedisServer redis, List<FaultProxy> links, NodeProcesses nodes, List<String> urls) {
        /** Sets a Redis setting at run time. */
        void configSet(String name, String value) throws IOException {
            assertThat(redis.cli("CONFIG", "SET", name, value)).isEqualTo("OK");
        }
    }

    interface Fault {
        void inject(Cluster c) throws Exception;
    }

    enum Scenario {
        /** Every connection of n1 to Redis reset every 2 s (1 s short) while the fault lasts. */
        LINK_RESETS(Set.of(), c -> {
            int every = LONG ? 2000 : 1000;
            for (long t = 0; t < FAULT.toMillis(); t += every) {
                Thread.sleep(every);
                c.links().get(0).resetAll();
            }
        }),
        /** n1's link to Redis holds every byte, both ways, for 15 s (6 s short): n1 fences itself and sends its clients away. */
        LINK_BLACKHOLED(Set.of(0), c -> {
            c.links().get(0).blackhole();
            Thread.sleep(LONG ? 15_000 : FAULT.toMillis());
            c.links().get(0).pass();
        }),
        /** n1's link to Redis drops every byte, both ways: connections that look open and carry nothing. */
        LINK_DISCARDING(Set.of(0), c -> {
            c.links().get(0).discard();
            Thread.sleep(LONG ? 15_000 : FAULT.toMillis());
            c.links().get(0).pass();
        }),
        /** Every node's Redis 500 ms away (250 ms each way). */
        REDIS_500MS_AWAY(Set.of(), c -> {
            c.links().forEach(l -> l.delay(Duration.ofMillis(250)));
            Thread.sleep(FAULT.toMillis());
            c.links().forEach(FaultProxy::pass);
        }),
        /** Redis frozen (SIGSTOP) for 5 s. */
        REDIS_FROZEN(Set.of(), c -> {
            c.redis().pause();
            Thread.sleep(5000);
            c.redis().resume();
        }),
        /** Redis killed and started again, empty: every room's history and epoch gone. */
        REDIS_RESTARTED_EMPTY(Set.of(), c -> c.redis().restart()),
        /** Redis refusing every write (maxmemory 1 byte, noeviction) for 5 s (10 s long). */
        REDIS_MEMORY_FULL(Set.of(), c -> {
            c.configSet("maxmemory", "1");
            Thread.sleep(LONG ? 10_000 : 5000);
            c.configSet("maxmemory", "0");
        }),
        /** SIGKILL of n1 and n2 at once: every client on n3. */
        TWO_NODES_KILLED(Set.of(0, 1), c -> {
            c.nodes().get(0).destroyForcibly();
            c.nodes().get(1).destroyForcibly();
        }),
        /** n1 drains (one client per loop every 300 ms), and n2, which it drains into, gets SIGKILL 1 s in. */
        NODE_KILLED_DURING_DRAIN(Set.of(0, 1), c -> {
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(NodeProcesses.adminUrl(c.urls().get(0))
                    + "/admin/drain")).POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(202);
            Thread.sleep(1000);
            c.nodes().get(1).destroyForcibly();
            assertThat(c.nodes().get(0).waitFor(60, TimeUnit.SECONDS)).as("n1 exits once drained").isTrue();
        });

        final Set<Integer> takenAway;
        final Fault fault;

        /** @param takenAway the nodes whose clients the fault sends elsewhere */
        Scenario(Set<Integer> takenAway, Fault fault) {
            this.takenAway = takenAway;
            this.fault = fault;
        }
    }

    private final List<AutoCloseable> open = new ArrayList<>();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();

    @AfterEach
    void stop() {
        timer.shutdownNow();
        for (int i = open.size() - 1; i >= 0; i--) {
            try {
                open.get(i).close();
            } catch (Exception e) {
                System.out.println("fault scenario: closing " + open.get(i) + " failed: " + e); // the rest are still closed
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Scenario.class)
    void nothingLostSilentlyDoubledOrReorderedAndNoHealthyClientDisconnected(Scenario scenario) throws Exception {
        String only = System.getProperty("wsc.faults", "");
        assumeTrue(only.equals("all") || (only.isEmpty() ? CI.contains(scenario.name()) : Set.of(only.split(",")).contains(scenario.name())));
        Cluster c = cluster();
        HistoryChecker checker = new HistoryChecker();
        List<WscClient> publishers = clients(c, checker, scenario);

        AtomicLong seq = new AtomicLong();
        var publishing = timer.scheduleAtFixedRate(() -> {
            long n = seq.incrementAndGet();
            String id = "m" + n;
            String room = "r" + (n % ROOMS);
            checker.sending(id, room);
            publishers.get((int) (n % publishers.size())).publish(room, id).whenComplete((offset, e) -> checker.outcome(id, e));
        }, 0, 1_000_000 / RATE, TimeUnit.MICROSECONDS);
        Thread.sleep(2000);

        long faultAt = System.nanoTime();
        scenario.fault.inject(c);
        long faultEnded = System.nanoTime();
        Thread.sleep(AFTER.toMillis());
        publishing.cancel(false);
        // Settled: everything acknowledged has arrived (or its subscriber was told), or nothing has arrived for 5 s.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!checker.caughtUp() && System.nanoTime() - deadline < 0
                && System.nanoTime() - checker.lastReceiptNanos() < TimeUnit.SECONDS.toNanos(5)) {
            Thread.sleep(100);
        }
        Thread.sleep(500); // what is still on its way: a late duplicate would show here
        HistoryChecker.Result r = checker.check(faultEnded);
        String line = String.format("{\"scenario\":\"%s\",\"scale\":\"%s\",\"fault_ms\":%d,\"result\":%s}",
                scenario, LONG ? "long" : "short", TimeUnit.NANOSECONDS.toMillis(faultEnded - faultAt), r.json());
        System.out.println("fault scenario: " + line);
        String report = System.getProperty("wsc.faults.report");
        if (report != null) {
            Files.writeString(Path.of(report), line + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        }

        assertThat(r.lost()).as("acknowledged messages lost without a gap").isZero();
        assertThat(r.refusedYetStored()).as("publishes answered unavailable that were stored").isZero();
        assertThat(r.duplicated()).as("messages received twice").isZero();
        assertThat(r.reordered()).as("messages out of order").isZero();
        assertThat(r.disconnectedHealthy()).as("subscribers of untouched nodes disconnected").isZero();
        if (!scenario.takenAway.isEmpty()) {
            assertThat(r.disconnectedFaulted()).as("subscribers of the nodes taken away moved").isPositive();
        }
    }

    /** A fresh Redis, a proxy in front of it per node, three nodes. */
    private Cluster cluster() throws IOException {
        RedisServer redis = RedisServer.start();
        open.add(redis);
        List<FaultProxy> links = new ArrayList<>();
        NodeProcesses nodes = new NodeProcesses();
        List<String> urls = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            FaultProxy link = FaultProxy.to(redis.port());
            open.add(link);
            links.add(link);
        }
        open.add(nodes);
        for (int i = 1; i <= 3; i++) {
            // History reaches back over every fault here: 110 msg/s in 10 rooms, a minute of them.
            urls.add(nodes.start("n" + i, "--redis", links.get(i - 1).url(), "--history-size", "1000", "--drain-batch", "1",
                    "--drain-pace", "300ms"));
        }
        return new Cluster(redis, links, nodes, urls);
    }

    /** The subscribers, subscribed, and the publishers (one per node); each knows every node, its own first. */
    private List<WscClient> clients(Cluster c, HistoryChecker checker, Scenario scenario) throws Exception {
        List<WscClient> all = new ArrayList<>();
        for (int i = 0; i < SUBSCRIBERS; i++) {
            int node = i % 3;
            int s = checker.subscriber("r" + (i % ROOMS), scenario.takenAway.contains(node));
            WscClient client = WscClient.connect(options(c, node));
            open.add(client);
            client.onEvent(e -> checker.event(s, e));
            client.subscribe("r" + (i % ROOMS), m -> checker.received(s, m));
            all.add(client);
        }
        List<WscClient> publishers = new ArrayList<>();
        for (int node = 0; node < 3; node++) {
            WscClient p = WscClient.connect(options(c, node));
            open.add(p);
            publishers.add(p);
            all.add(p);
        }
        for (WscClient client : all) {
            client.connected().toCompletableFuture().get(30, TimeUnit.SECONDS);
        }
        Thread.sleep(500); // the last subscriptions are in place
        return publishers;
    }

    private static ClientOptions options(Cluster c, int node) {
        List<String> urls = List.of(c.urls().get(node), c.urls().get((node + 1) % 3), c.urls().get((node + 2) % 3));
        // A 5-s keep-alive: on this 2-core machine a node under a fault's load can be late by a second.
        return ClientOptions.of(urls).withBackoff(new Backoff(Duration.ofMillis(50), Duration.ofSeconds(1), 2));
    }
}

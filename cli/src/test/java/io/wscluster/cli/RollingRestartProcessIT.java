package io.wscluster.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.wscluster.client.ClientOptions;
import io.wscluster.client.ClientState;
import io.wscluster.client.WscClient;
import io.wscluster.protocol.Backoff;
import io.wscluster.testkit.SharedRedis;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A rolling restart of three `wsc node` processes under traffic: each node in turn is drained (its
 * clients follow their reconnect frames to other nodes) and replaced by a new process, while 60 SDK
 * clients receive a room stream. Every accepted message reaches every client, once, in order.
 */
class RollingRestartProcessIT {
    private static final int CLIENTS = 60;

    @RegisterExtension
    static final SharedRedis redis = new SharedRedis();

    private final NodeProcesses nodes = new NodeProcesses();
    private final List<WscClient> clients = new ArrayList<>();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();

    @AfterEach
    void stop() {
        timer.shutdownNow();
        clients.forEach(WscClient::close);
        nodes.close();
    }

    @Test
    void aRollingRestartOfEveryNodeLosesNothing() throws Exception {
        String cluster = SharedRedis.namespace();
        String[] flags = {"--redis", redis.url(), "--cluster", cluster, "--heartbeat", "200ms", "--history-size", "5000",
                "--drain-pace", "20ms", "--drain-batch", "10"};
        List<String> urls = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            urls.add(nodes.start("n" + i, flags));
        }
        List<List<Long>> seen = new ArrayList<>();
        List<io.wscluster.client.ClientEvent> events = new CopyOnWriteArrayList<>();
        for (int i = 0; i < CLIENTS; i++) {
            WscClient c = WscClient.connect(ClientOptions.of(urls.get(i % 3))
                    .withBackoff(new Backoff(Duration.ofMillis(50), Duration.ofSeconds(1), 2)));
            List<Long> offsets = new CopyOnWriteArrayList<>();
            c.subscribe("stream", m -> offsets.add(m.offset()));
            c.onEvent(events::add);
            clients.add(c);
            seen.add(offsets);
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> clients.stream().allMatch(c -> c.state() == ClientState.CONNECTED));
        Thread.sleep(500);

        // The publisher is an SDK client too: it moves with the drains; what it got an ack for must arrive everywhere.
        WscClient publisher = WscClient.connect(ClientOptions.of(urls.get(2)));
        clients.add(publisher);
        publisher.connected().toCompletableFuture().get(10, TimeUnit.SECONDS);
        Set<Long> acked = ConcurrentHashMap.newKeySet();
        AtomicLong refused = new AtomicLong();
        var publishing = timer.scheduleAtFixedRate(() -> publisher.publish("stream", "tick").whenComplete((offset, e) -> {
            if (e == null) {
                acked.add(offset);
            } else {
                refused.incrementAndGet(); // between two connections: not accepted, or not known to be
            }
        }), 0, 10, TimeUnit.MILLISECONDS);

        HttpClient http = HttpClient.newHttpClient();
        for (int i = 0; i < 3; i++) {
            Thread.sleep(1000);
            if (i == 0) { // the command an operator types
                // --wait: returns once the node has left the cluster, as a stop hook uses it.
                assertThat(Main.commandLine().execute("drain", "n1", "--redis", redis.url(), "--cluster", cluster, "--wait", "30s"))
                        .isZero();
            } else { // what it does
                assertThat(http.send(HttpRequest.newBuilder(URI.create(NodeProcesses.adminUrl(urls.get(i)) + "/admin/drain"))
                        .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(202);
            }
            assertThat(nodes.get(i).waitFor(30, TimeUnit.SECONDS)).as("node %d exits once drained", i + 1).isTrue();
            urls.add(nodes.start("n" + (i + 1) + "b", flags)); // its replacement
        }
        Thread.sleep(1000);
        publishing.cancel(false);
        Thread.sleep(300);
        long last = acked.stream().mapToLong(Long::longValue).max().orElseThrow();
        try {
            await().atMost(Duration.ofSeconds(60)).until(() -> seen.stream().allMatch(s -> !s.isEmpty() && s.get(s.size() - 1) >= last));
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            for (int i = 0; i < seen.size(); i++) {
                List<Long> s = seen.get(i);
                if (s.isEmpty() || s.get(s.size() - 1) < last) {
                    System.out.printf("behind: client %d on %s %s, %d offsets, last %s%n", i, clients.get(i).node(), clients.get(i).state(),
                            s.size(), s.isEmpty() ? "-" : s.get(s.size() - 1));
                }
            }
            events.stream().filter(ev -> ev.type() != io.wscluster.client.ClientEvent.Type.CONNECTED)
                    .map(ev -> ev.type() + " " + ev.detail().replaceAll("[0-9]{3,}", "N")).distinct().limit(15)
                    .forEach(d -> System.out.println("event: " + d));
            throw e;
        }

        for (List<Long> s : seen) {
            List<Long> expected = new ArrayList<>();
            for (long o = s.get(0); o <= s.get(s.size() - 1); o++) {
                expected.add(o);
            }
            assertThat(s).as("every offset once, in order").containsExactlyElementsOf(expected);
            assertThat(s).containsAll(acked.stream().filter(o -> o >= s.get(0)).toList());
            assertThat(s.get(0)).isEqualTo(1L);
        }
        assertThat(clients.stream().filter(c -> c != publisher).map(WscClient::node)).allMatch(n -> n.endsWith("b"));
        System.out.printf("rolling restart: %d messages acked, %d publishes refused while the publisher moved%n", acked.size(),
                refused.get());
    }
}

package io.wscluster.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.wscluster.client.ClientEvent;
import io.wscluster.client.ClientOptions;
import io.wscluster.client.ClientState;
import io.wscluster.client.WscClient;
import io.wscluster.protocol.Backoff;
import io.wscluster.codec.Encoding;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.ToLongFunction;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code wsc failover-probe}: what the clients of a node live through when it dies, measured from
 * their side (for bench/failover.sh, which kills the node). N SDK clients on the first URL (the
 * node to be killed), the other URLs as their fallbacks, receive one room stream published at a
 * rate. For every client that lost its connection: the time from the first loss (the kill) to its
 * welcome on a survivor, to its resubscription, and to its first message; and whether every client
 * got every accepted message exactly once, in order. Writes a JSON report.
 */
@Command(name = "failover-probe", mixinStandardHelpOptions = true,
        description = "Benchmark helper: N SDK clients on the node about to be killed, receiving a room stream; reports, for the"
                + " clients whose node died during the run, the time until they were back, and any message lost or repeated.")
public final class FailoverProbeCommand implements Callable<Integer> {
    private static final String ROOM = "probe";

    @Option(names = "--url", required = true, paramLabel = "<ws-url>",
            description = "Node URLs, at least two: the clients start on the first (the one the benchmark kills); the others are"
                    + " their fallbacks and hold the bystanders.")
    List<String> urls;

    @Option(names = "--admin-url", paramLabel = "<http-url>",
            description = "The nodes' operator listeners, in the order of --url (for the publisher and the warm-up's sheds)."
                    + " Default: each node's host and port + 1000, as nodes configure them by default.")
    List<String> adminUrls;

    @Option(names = "--clients", defaultValue = "1000", paramLabel = "<n>",
            description = "Clients on the first node. Default: ${DEFAULT-VALUE}.")
    int clients;

    @Option(names = "--bystanders", defaultValue = "0", paramLabel = "<n>",
            description = "More clients, spread over the other nodes: the survivors' own load. Default: ${DEFAULT-VALUE}.")
    int bystanders;

    @Option(names = "--rate", defaultValue = "200", paramLabel = "<msg/s>", description = "Publish rate. Default: ${DEFAULT-VALUE}.")
    int rate;

    @Option(names = "--duration", defaultValue = "20s", paramLabel = "<duration>",
            description = "Measured publishing time, after the warm-up. Default: ${DEFAULT-VALUE}.")
    String duration;

    @Option(names = "--warmup-moves", defaultValue = "0", paramLabel = "<n>",
            description = "Before measuring, each other node sends this many of its bystanders to the next other node"
                    + " (POST /admin/shed), --warmup-rounds times, so the survivors have run their reconnect path as nodes that"
                    + " have run a while have; the first node's clients are not touched. Default: ${DEFAULT-VALUE}.")
    int warmupMoves;

    @Option(names = "--warmup-rounds", defaultValue = "3", paramLabel = "<n>", description = "Default: ${DEFAULT-VALUE}.")
    int warmupRounds;

    @Option(names = "--report-json", required = true, paramLabel = "<file>")
    Path report;

    @Option(names = "--trace-csv", paramLabel = "<file>",
            description = "Also writes, per moved client, the milliseconds from the first loss to its own, to its welcome, resubscription"
                    + " and first message, and its failed attempts.")
    Path trace;

    private final AtomicLong resubscriptions = new AtomicLong();

    /** What one client lived through: when it lost its first connection, and when it was back at each step. */
    private static final class Track {
        final List<Long> offsets = new CopyOnWriteArrayList<>();
        /** Off during the warm-up: only what happens after it is measured. */
        volatile boolean armed;
        volatile long droppedAt;
        volatile long welcomedAt;
        volatile long resubscribedAt;
        volatile long receivedAt;
        volatile int failedAttempts;
        volatile String landedOn;

        void on(ClientEvent e) {
            if (!armed) {
                return;
            }
            long now = System.nanoTime();
            switch (e.type()) {
                case DISCONNECTED -> {
                    if (droppedAt == 0) {
                        droppedAt = now;
                    } else if (welcomedAt == 0) {
                        failedAttempts++;
                    }
                }
                case CONNECTED -> {
                    if (droppedAt != 0 && welcomedAt == 0) {
                        welcomedAt = now;
                        landedOn = e.node();
                    }
                }
                case RESUBSCRIBED -> {
                    if (droppedAt != 0 && resubscribedAt == 0) {
                        resubscribedAt = now;
                    }
                }
                default -> { }
            }
        }

        void message(long offset) {
            offsets.add(offset);
            if (armed && droppedAt != 0 && receivedAt == 0) {
                receivedAt = System.nanoTime();
            }
        }

        boolean moved() {
            return droppedAt != 0 && receivedAt != 0;
        }
    }

    @Override
    public Integer call() throws Exception {
        if (urls.size() < 2) {
            throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this), "--url: give at least two nodes");
        }
        if (warmupMoves > 0 && urls.size() < 3) {
            throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this),
                    "--warmup-moves: the survivors swap clients, so give at least three nodes");
        }
        Duration d = io.wscluster.config.Values.duration(duration);
        List<Track> tracks = new ArrayList<>();
        List<WscClient> all = new ArrayList<>();
        Backoff backoff = new Backoff(Duration.ofMillis(50), Duration.ofSeconds(2), 2);
        List<String> others = urls.subList(1, urls.size());
        for (int i = 0; i < clients + bystanders; i++) {
            List<String> order = new ArrayList<>();
            order.add(i < clients ? urls.get(0) : others.get(i % others.size()));
            urls.stream().filter(u -> !u.equals(order.get(0))).forEach(order::add);
            WscClient c = WscClient.connect(ClientOptions.of(order).withBackoff(backoff));
            Track t = new Track();
            c.onEvent(t::on);
            c.onEvent(e -> {
                if (e.type() == ClientEvent.Type.RESUBSCRIBED) {
                    resubscriptions.incrementAndGet();
                }
            });
            c.subscribe(ROOM, m -> t.message(m.offset()));
            all.add(c);
            tracks.add(t);
            if (i % 1000 == 999) {
                Thread.sleep(500); // at most 2,000 connects a second: none fails over to the other nodes before the kill
            }
        }
        awaitConnected(all, 120);
        Thread.sleep(1000);
        String victim = all.get(0).node();
        long away = all.subList(0, clients).stream().filter(c -> !victim.equals(c.node())).count();
        if (away > 0) {
            System.out.println("failover-probe: " + away + " of the " + clients + " clients did not stay on " + victim
                    + " (their first connect failed); they are not measured");
        }
        System.out.println("failover-probe: " + all.size() + " clients connected; publishing");
        Publisher publisher = new Publisher(adminUrl(urls.indexOf(others.get(0))));
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
        var publishing = timer.scheduleAtFixedRate(publisher::publishOne, 0, 1_000_000 / rate, TimeUnit.MICROSECONDS);
        if (warmupMoves > 0) {
            warmUp(all);
        }
        tracks.forEach(t -> t.armed = true);
        System.out.println("failover-probe: measuring");
        Thread.sleep(d.toMillis());
        publishing.cancel(false);
        Thread.sleep(500);
        long end = publisher.last.get();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (tracks.stream().anyMatch(t -> t.offsets.isEmpty() || t.offsets.get(t.offsets.size() - 1) < end)
                && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        ObjectNode out = report(tracks, end, publisher.refused.get());
        Files.writeString(report, out.toString());
        System.out.println("failover-probe: " + out);
        timer.shutdownNow();
        all.forEach(WscClient::close);
        return out.get("lost").asLong() == 0 && out.get("repeated").asLong() == 0 ? 0 : 1;
    }

    private ObjectNode report(List<Track> tracks, long end, long refused) throws java.io.IOException {
        long lost = 0;
        long repeated = 0;
        for (Track t : tracks) {
            List<Long> s = t.offsets;
            if (s.isEmpty()) {
                lost += end;
                continue;
            }
            long expected = end - s.get(0) + 1;
            long distinct = s.stream().distinct().count();
            repeated += s.size() - distinct;
            lost += Math.max(0, expected - distinct);
        }
        List<Track> moved = tracks.stream().filter(Track::moved).toList();
        long kill = moved.stream().mapToLong(t -> t.droppedAt).min().orElse(0);
        long[] welcomed = sortedMillis(moved, t -> t.welcomedAt, kill);
        long[] resubscribed = sortedMillis(moved, t -> t.resubscribedAt, kill);
        long[] received = sortedMillis(moved, t -> t.receivedAt, kill);
        Map<String, Integer> landed = new TreeMap<>();
        moved.forEach(t -> landed.merge(String.valueOf(t.landedOn), 1, Integer::sum));
        ObjectNode out = Encoding.JSON.mapper().createObjectNode()
                .put("clients", clients).put("bystanders", bystanders).put("messages", end).put("publishes_refused", refused)
                .put("clients_moved", moved.size()).put("lost", lost).put("repeated", repeated);
        percentiles(out, "welcome", welcomed);
        percentiles(out, "resubscribed", resubscribed);
        percentiles(out, "recovery", received);
        // What the survivors absorbed: every moved client's upgrade, over the time until the last was welcomed.
        long last = welcomed.length == 0 ? 0 : welcomed[welcomed.length - 1];
        out.put("reconnects_per_s", last == 0 ? 0 : Math.round(welcomed.length * 1000.0 / last));
        out.putPOJO("landed_on", landed);
        out.put("clients_retried", moved.stream().filter(t -> t.failedAttempts > 0).count())
                .put("failed_attempts_max", moved.stream().mapToInt(t -> t.failedAttempts).max().orElse(0));
        if (trace != null) {
            writeTrace(moved, kill);
        }
        return out;
    }

    private static void percentiles(ObjectNode out, String name, long[] sorted) {
        out.put(name + "_ms_p50", pct(sorted, 0.50)).put(name + "_ms_p99", pct(sorted, 0.99))
                .put(name + "_ms_max", sorted.length == 0 ? 0 : sorted[sorted.length - 1]);
    }

    private static void awaitConnected(List<WscClient> all, int seconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (all.stream().anyMatch(c -> c.state() != ClientState.CONNECTED) && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
    }

    /**
     * Each other node sends {@link #warmupMoves} of its clients (bystanders: the first node's are
     * left alone) to the next other node (POST /admin/shed), then waits until they have
     * resubscribed; {@link #warmupRounds} times.
     */
    private void warmUp(List<WscClient> all) throws InterruptedException {
        ClusterAccess admin = new ClusterAccess();
        List<String> ids = new ArrayList<>();
        for (int k = 1; k < urls.size(); k++) {
            ids.add(nodeAt(all, urls.get(k)));
        }
        for (int round = 0; round < warmupRounds; round++) {
            for (int k = 0; k < ids.size(); k++) {
                shed(admin, ids.get(k), adminUrl(k + 1), ids.get((k + 1) % ids.size()));
            }
            awaitResubscribed(all);
        }
    }

    /** The operator listener of the i-th node of --url. */
    private String adminUrl(int i) {
        return adminUrls != null && i < adminUrls.size() ? adminUrls.get(i) : ClusterAccess.defaultAdminUrl(urls.get(i));
    }

    /** The node id behind {@code url}, from a client that started there. */
    private String nodeAt(List<WscClient> all, String url) {
        for (int i = clients; i < all.size(); i++) {
            if (all.get(i).node() != null && (i % (urls.size() - 1)) + 1 == urls.indexOf(url)) {
                return all.get(i).node();
            }
        }
        throw new IllegalStateException("warm-up needs a bystander on every other node (--bystanders at least " + (urls.size() - 1) + ")");
    }

    private void shed(ClusterAccess admin, String from, String adminUrl, String to) {
        String failed = admin.adminPost(from, adminUrl, "/admin/shed?count=" + warmupMoves + "&to=" + to);
        if (failed != null) {
            throw new IllegalStateException("warm-up: " + failed);
        }
    }

    /**
     * Returns when every client is connected and none resubscribed for two seconds (a client may be
     * moved twice, so there is no exact count to wait for), at most after two minutes.
     */
    private void awaitResubscribed(List<WscClient> all) throws InterruptedException {
        long before = resubscriptions.get();
        long seen = before;
        long quietSince = System.nanoTime();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < deadline) {
            Thread.sleep(100);
            long now = resubscriptions.get();
            if (now != seen) {
                seen = now;
                quietSince = System.nanoTime();
            } else if (now > before && System.nanoTime() - quietSince > TimeUnit.SECONDS.toNanos(2)
                    && all.stream().allMatch(c -> c.state() == ClientState.CONNECTED)) {
                break;
            }
        }
        System.out.println("failover-probe: warm-up: " + (seen - before) + " clients resubscribed");
    }

    /**
     * Publishes over the HTTP API of one survivor ({@code POST /api/publish} on its operator
     * listener): a WebSocket publisher could itself be among the clients a warm-up moves.
     */
    private static final class Publisher {
        private static final HttpClient HTTP = HttpClient.newHttpClient();
        final AtomicLong last = new AtomicLong();
        final AtomicLong refused = new AtomicLong();
        private final URI uri;

        Publisher(String adminUrl) {
            this.uri = URI.create(adminUrl + "/api/publish");
        }

        void publishOne() {
            HttpRequest r = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5))
                    .POST(HttpRequest.BodyPublishers.ofString("{\"room\":\"" + ROOM + "\",\"data\":\"x\"}")).build();
            HTTP.sendAsync(r, HttpResponse.BodyHandlers.ofString()).whenComplete((answer, e) -> {
                long offset = e == null && answer.statusCode() == 200 ? offsetOf(answer.body()) : -1;
                if (offset > 0) {
                    last.accumulateAndGet(offset, Math::max);
                } else {
                    refused.incrementAndGet();
                }
            });
        }
    }

    private static long offsetOf(String json) {
        try {
            return Encoding.JSON.mapper().readTree(json).path("offset").asLong(-1);
        } catch (java.io.IOException e) {
            return -1;
        }
    }

    private void writeTrace(List<Track> moved, long kill) throws java.io.IOException {
        StringBuilder csv = new StringBuilder("dropped_ms,welcomed_ms,resubscribed_ms,received_ms,failed_attempts,node\n");
        for (Track t : moved) {
            csv.append(ms(t.droppedAt, kill)).append(',').append(ms(t.welcomedAt, kill)).append(',')
                    .append(ms(t.resubscribedAt, kill)).append(',').append(ms(t.receivedAt, kill)).append(',')
                    .append(t.failedAttempts).append(',').append(t.landedOn).append('\n');
        }
        Files.writeString(trace, csv);
    }

    /** Per moved client, the milliseconds from the first loss ({@code kill}) to {@code at}, sorted; clients that never got there are left out. */
    private static long[] sortedMillis(List<Track> moved, ToLongFunction<Track> at, long kill) {
        return moved.stream().filter(t -> at.applyAsLong(t) != 0).mapToLong(t -> ms(at.applyAsLong(t), kill)).sorted().toArray();
    }

    private static long ms(long at, long origin) {
        return at == 0 ? -1 : TimeUnit.NANOSECONDS.toMillis(at - origin);
    }

    private static long pct(long[] sorted, double p) {
        return sorted.length == 0 ? 0 : sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)];
    }
}

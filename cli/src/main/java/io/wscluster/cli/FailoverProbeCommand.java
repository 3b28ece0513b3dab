package io.wscluster.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.wscluster.client.ClientEvent;
import io.wscluster.client.ClientOptions;
import io.wscluster.client.ClientState;
import io.wscluster.client.WscClient;
import io.wscluster.failover.Backoff;
import io.wscluster.protocol.Encoding;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code wsc failover-probe}: what clients live through when a node dies, measured from their side
 * (for bench/failover.sh, which kills the node). N SDK clients spread over the URLs receive one room
 * stream published at a rate; for every client that lost its connection, the time from losing it to
 * its first message afterwards; and whether every client got every accepted message exactly once,
 * in order. Writes a JSON report.
 */
@Command(name = "failover-probe", mixinStandardHelpOptions = true,
        description = "Benchmark helper: N SDK clients on a room stream; reports, for the clients whose node died during the run,"
                + " the time until they received again, and any message lost or repeated.")
public final class FailoverProbeCommand implements Callable<Integer> {
    @Option(names = "--url", required = true, paramLabel = "<ws-url>", description = "Node URLs; client i starts on url i mod n.")
    List<String> urls;

    @Option(names = "--clients", defaultValue = "1000", paramLabel = "<n>", description = "Default: ${DEFAULT-VALUE}.")
    int clients;

    @Option(names = "--rate", defaultValue = "200", paramLabel = "<msg/s>", description = "Publish rate. Default: ${DEFAULT-VALUE}.")
    int rate;

    @Option(names = "--duration", defaultValue = "20s", paramLabel = "<duration>", description = "Publishing time. Default: ${DEFAULT-VALUE}.")
    String duration;

    @Option(names = "--publish-url", required = true, paramLabel = "<ws-url>", description = "Where the publisher connects (a node that stays).")
    String publishUrl;

    @Option(names = "--report-json", required = true, paramLabel = "<file>")
    Path report;

    @Override
    public Integer call() throws Exception {
        Duration d = io.wscluster.config.Values.duration(duration);
        List<long[]> gaps = new CopyOnWriteArrayList<>(); // {disconnectedAt, backAt}
        List<List<Long>> seen = new ArrayList<>();
        List<WscClient> all = new ArrayList<>();
        Backoff backoff = new Backoff(Duration.ofMillis(50), Duration.ofSeconds(2), 2);
        for (int i = 0; i < clients; i++) {
            List<String> order = new ArrayList<>();
            for (int k = 0; k < urls.size(); k++) {
                order.add(urls.get((i + k) % urls.size()));
            }
            WscClient c = WscClient.connect(new ClientOptions(order, null, backoff, Duration.ofSeconds(10), Duration.ofSeconds(5)));
            List<Long> offsets = new CopyOnWriteArrayList<>();
            long[] gap = {0, 0};
            c.onEvent(e -> {
                if (e.type() == ClientEvent.Type.DISCONNECTED && gap[0] == 0) {
                    gap[0] = System.nanoTime();
                }
            });
            c.subscribe("probe", m -> {
                offsets.add(m.offset());
                if (gap[0] != 0 && gap[1] == 0) {
                    gap[1] = System.nanoTime();
                    gaps.add(gap);
                }
            });
            all.add(c);
            seen.add(offsets);
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (all.stream().anyMatch(c -> c.state() != ClientState.CONNECTED) && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        Thread.sleep(1000);
        System.out.println("failover-probe: " + clients + " clients connected; publishing");
        WscClient publisher = WscClient.connect(ClientOptions.of(publishUrl));
        publisher.connected().toCompletableFuture().get(10, TimeUnit.SECONDS);
        AtomicLong last = new AtomicLong();
        AtomicLong refused = new AtomicLong();
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
        var publishing = timer.scheduleAtFixedRate(() -> publisher.publish("probe", "x").whenComplete((o, e) -> {
            if (e == null) {
                last.accumulateAndGet(o, Math::max);
            } else {
                refused.incrementAndGet();
            }
        }), 0, 1_000_000 / rate, TimeUnit.MICROSECONDS);
        Thread.sleep(d.toMillis());
        publishing.cancel(false);
        Thread.sleep(500);
        long end = last.get();
        deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (seen.stream().anyMatch(s -> s.isEmpty() || s.get(s.size() - 1) < end) && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        long lost = 0;
        long repeated = 0;
        for (List<Long> s : seen) {
            if (s.isEmpty()) {
                lost += end;
                continue;
            }
            long expected = end - s.get(0) + 1;
            long distinct = s.stream().distinct().count();
            repeated += s.size() - distinct;
            lost += Math.max(0, expected - distinct);
        }
        long[] ms = gaps.stream().mapToLong(g -> TimeUnit.NANOSECONDS.toMillis(g[1] - g[0])).sorted().toArray();
        ObjectNode out = Encoding.JSON.mapper().createObjectNode()
                .put("clients", clients).put("messages", end).put("publishes_refused", refused.get())
                .put("clients_moved", ms.length).put("lost", lost).put("repeated", repeated)
                .put("recovery_ms_p50", pct(ms, 0.50)).put("recovery_ms_p99", pct(ms, 0.99))
                .put("recovery_ms_max", ms.length == 0 ? 0 : ms[ms.length - 1]);
        Files.writeString(report, out.toString());
        System.out.println("failover-probe: " + out + " " + Arrays.toString(Arrays.copyOf(ms, Math.min(5, ms.length))));
        timer.shutdownNow();
        publisher.close();
        all.forEach(WscClient::close);
        return lost == 0 && repeated == 0 ? 0 : 1;
    }

    private static long pct(long[] sorted, double p) {
        return sorted.length == 0 ? 0 : sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)];
    }
}

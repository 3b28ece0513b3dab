package io.wscluster.loadtest;

import io.netty.channel.Channel;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.wscluster.codec.Encoding;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Runs one process's share of a load test: has the {@link Connector} open the virtual users'
 * connections at the connect rate, lets the scenario act for the duration (the {@link Publisher}'s
 * schedule, churn or a reconnect storm), waits for messages in flight, and reports. The {@link
 * Receiver} accounts what arrives meanwhile; a clock thread closes each second of {@link Stats}.
 */
final class Engine {
    private final LoadTestOptions o;
    private final Stats stats = new Stats();
    private final Consumer<Sample> progress;
    private final Encoding encoding;
    private final VirtualUser[] users;
    private final Publisher publisher;
    private final ScheduledExecutorService clock = Executors.newScheduledThreadPool(1, new DefaultThreadFactory("loadtest-clock", true));
    private volatile long measureStartNanos;

    Engine(LoadTestOptions options, Consumer<Sample> progress) {
        this.o = options;
        this.progress = progress;
        this.encoding = "msgpack".equals(options.encoding()) ? Encoding.MSGPACK : Encoding.JSON;
        this.users = new VirtualUser[options.connections()];
        List<VirtualUser> publishers = new ArrayList<>();
        List<InetSocketAddress> sources = SourceAddresses.parse(options.sourceIps());
        boolean signed = options.jwtSecret() != null;
        for (int i = 0; i < users.length; i++) {
            int global = options.firstUser() + i;
            String url = options.urls().get(global % options.urls().size());
            InetSocketAddress source = sources.isEmpty() ? null : sources.get(global % sources.size());
            boolean publisher = options.scenario().publishes() && global < options.publishers();
            users[i] = new VirtualUser(global, signed ? "u" + global : null, url, source, publisher, roomOf(global));
            if (publisher) {
                publishers.add(users[i]);
            }
        }
        this.publisher = new Publisher(options, encoding, publishers);
    }

    private String roomOf(int user) {
        switch (o.scenario()) {
            case FANOUT:
            case RECONNECT_STORM:
                return "room-" + (user % o.rooms());
            case ROOMS:
                return "room-" + (user / o.roomSize());
            default:
                return null;
        }
    }

    /**
     * Runs the test. {@code beforeMeasuring} runs once every connection is open (and subscribed),
     * right before the measured phase: worker processes wait there for the signal to go together.
     */
    RunReport run(Runnable beforeMeasuring) throws InterruptedException {
        long startedAt = System.currentTimeMillis();
        Connector connector = new Connector(o, stats, encoding);
        clock.scheduleAtFixedRate(this::tick, 1, 1, TimeUnit.SECONDS);
        long cpuMicros = 0;
        try {
            connector.connectAll(users);
            connector.awaitSubscribed(users);
            beforeMeasuring.run();
            cpuMicros = measure();
        } finally {
            // Every connection ends before the figures are read, so no late message changes
            // one count and not another.
            clock.shutdownNow();
            connector.closeAll(users);
        }
        return stats.report(o, startedAt, o.durationMillis() / 1000.0, tallies(), cpuMicros);
    }

    private void tick() {
        long second = measureStartNanos == 0 ? -1 : (System.nanoTime() - measureStartNanos) / 1_000_000_000L;
        Sample s = stats.tick(second, 1.0);
        progress.accept(s);
    }

    /** Runs the scenario for the duration, then waits for messages in flight; returns the server CPU used meanwhile. */
    private long measure() throws InterruptedException {
        ServerCpu cpu = new ServerCpu(o.serverPids());
        cpu.start();
        measureStartNanos = System.nanoTime();
        long end = measureStartNanos + TimeUnit.MILLISECONDS.toNanos(o.durationMillis());
        Thread publishing = null;
        if (publisher.active()) {
            publishing = new Thread(() -> publisher.publishUntil(end), "loadtest-publisher");
            publishing.setDaemon(true);
            publishing.start();
        }
        if (o.scenario() == Scenario.CHURN && o.churnRate() > 0) {
            churnUntil(end);
        } else if (o.scenario() == Scenario.RECONNECT_STORM) {
            sleepUntil(measureStartNanos + (end - measureStartNanos) / 2);
            storm();
        }
        sleepUntil(end);
        if (publishing != null) {
            publishing.join(5000);
        }
        drain();
        return cpu.stop();
    }

    /** Waits, at most the drain time, until deliveries stop arriving. */
    private void drain() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(o.drainMillis());
        long last = -1;
        while (System.nanoTime() < deadline) {
            long now = stats.delivered.sum();
            if (now == last && stats.expectedDirect.sum() <= stats.receivedDirect.sum()) {
                return;
            }
            last = now;
            Thread.sleep(Math.min(250, Math.max(1, o.drainMillis() / 4)));
        }
    }

    private static void sleepUntil(long nanos) throws InterruptedException {
        long left;
        while ((left = nanos - System.nanoTime()) > 0) {
            Thread.sleep(Math.min(100, Math.max(1, left / 1_000_000)));
        }
    }

    /** Closes and reopens random non-publishing connections at the churn rate until {@code end}. */
    private void churnUntil(long end) throws InterruptedException {
        double perTick = o.churnRate() / 100.0;
        double owed = 0;
        while (System.nanoTime() < end) {
            owed += perTick;
            for (; owed >= 1; owed--) {
                VirtualUser u = users[ThreadLocalRandom.current().nextInt(users.length)];
                Channel ch = u.channel;
                if (!u.publisher && u.welcomed && ch != null) {
                    u.reconnecting = true;
                    ch.close();
                }
            }
            Thread.sleep(10);
        }
    }

    /** Drops a share of the subscribers at once; each reconnects at once and resumes with since. */
    private void storm() {
        for (VirtualUser u : users) {
            Channel ch = u.channel;
            if (!u.publisher && u.subscribed && ch != null && ThreadLocalRandom.current().nextDouble() < o.stormShare()) {
                u.reconnecting = true;
                ch.close();
            }
        }
    }

    /** The subscribers' side of room accounting. */
    private Map<String, RoomTally> tallies() {
        Map<String, RoomTally> rooms = new HashMap<>();
        for (VirtualUser u : users) {
            if (u.room != null && u.startOffset >= 0) {
                rooms.merge(u.room, new RoomTally(1, u.startOffset, u.received, 0), RoomTally::plus);
            }
        }
        return rooms;
    }
}

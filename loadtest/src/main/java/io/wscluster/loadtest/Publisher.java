package io.wscluster.loadtest;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.channel.Channel;
import io.wscluster.codec.Encoding;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.LockSupport;

/**
 * Publishes at the run's rate through the publishing users, in turn, on a fixed schedule: message
 * {@code k} is due at {@code start + k / rate} and carries that due time, not the time it was
 * actually sent. A generator or server that falls behind therefore shows up in the latency instead
 * of silently lowering the load (no coordinated omission). Scheduling runs on one thread of its
 * own; each publisher's batch is written on its connection's event loop.
 */
final class Publisher {
    private final LoadTestOptions o;
    private final Encoding encoding;
    private final List<VirtualUser> publishers;
    private final String padding;

    Publisher(LoadTestOptions options, Encoding encoding, List<VirtualUser> publishers) {
        this.o = options;
        this.encoding = encoding;
        this.publishers = List.copyOf(publishers);
        this.padding = "x".repeat(options.payloadSize());
    }

    /** True when the scenario publishes, at a rate, through at least one user. */
    boolean active() {
        return o.scenario().publishes() && !publishers.isEmpty() && o.rate() > 0;
    }

    private int roomCount() {
        return o.scenario() == Scenario.ROOMS ? (o.totalUsers() + o.roomSize() - 1) / o.roomSize() : o.rooms();
    }

    /** Publishes on the fixed schedule until {@code end} ({@link System#nanoTime()}), batching what is due per publisher. */
    void publishUntil(long end) {
        long periodNanos = 1_000_000_000L / o.rate();
        long remainderNanos = 1_000_000_000L % o.rate();
        long start = System.nanoTime();
        // From the same reading: a second clock read could come a descheduled while later, and
        // stamp every message later than it was due (a latency below zero, which is not counted).
        long startMicros = MicroClock.micros(start);
        long k = 0;
        int rooms = roomCount();
        Map<VirtualUser, List<long[]>> batch = new HashMap<>();
        while (true) {
            long now = System.nanoTime();
            if (now >= end) {
                break;
            }
            long dueUpTo = (now - start) * o.rate() / 1_000_000_000L;
            for (; k <= dueUpTo; k++) {
                long dueNanos = k * periodNanos + k * remainderNanos / o.rate();
                VirtualUser p = publishers.get((int) (k % publishers.size()));
                batch.computeIfAbsent(p, x -> new ArrayList<>()).add(new long[] {startMicros + dueNanos / 1000, k});
            }
            for (Map.Entry<VirtualUser, List<long[]>> e : batch.entrySet()) {
                VirtualUser p = e.getKey();
                List<long[]> due = e.getValue();
                Channel ch = p.channel;
                if (ch != null && p.welcomed) {
                    ch.eventLoop().execute(() -> publish(p, due, rooms));
                }
            }
            batch.clear();
            LockSupport.parkNanos(Math.min(1_000_000L, Math.max(10_000L, periodNanos)));
        }
    }

    private void publish(VirtualUser p, List<long[]> due, int rooms) {
        Channel ch = p.channel;
        if (ch == null || !ch.isActive()) {
            return;
        }
        for (long[] d : due) {
            long id = ++p.nextId;
            ObjectNode frame = encoding.mapper().createObjectNode();
            String room = "";
            switch (o.scenario()) {
                case P2P:
                    frame.put("op", "send").put("user", "u" + ThreadLocalRandom.current().nextInt(o.totalUsers()));
                    break;
                case BROADCAST:
                    frame.put("op", "broadcast");
                    break;
                default:
                    room = "room-" + (d[1] % rooms);
                    frame.put("op", "publish").put("room", room);
            }
            frame.putObject("data").put("t", d[0]).put("p", padding);
            frame.put("id", id);
            p.pending.put(id, room);
            p.write(frame, encoding);
        }
        ch.flush();
    }
}

package io.wscluster.loadtest;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAccumulator;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * The live figures of one process's run, written by event-loop threads without locks: adders,
 * and HdrHistogram {@link Recorder}s that a once-a-second {@link #tick} drains into the totals and
 * the timeline. Latencies are microseconds, up to an hour.
 */
final class Stats {
    private static final long MAX_MICROS = 3_600_000_000L;

    final LongAdder connectAttempts = new LongAdder();
    final LongAdder connectFailures = new LongAdder();
    final AtomicInteger open = new AtomicInteger();
    final LongAccumulator peak = new LongAccumulator(Math::max, 0);
    final LongAdder sent = new LongAdder();
    final LongAdder delivered = new LongAdder();
    final LongAdder bytesReceived = new LongAdder();
    final LongAdder duplicates = new LongAdder();
    final LongAdder outOfOrder = new LongAdder();
    final LongAdder reconnects = new LongAdder();
    final LongAdder expectedDirect = new LongAdder();
    final LongAdder receivedDirect = new LongAdder();
    private final Map<String, LongAdder> errors = new ConcurrentHashMap<>();
    private final Map<String, LongAccumulator> lastOffsets = new ConcurrentHashMap<>();
    private final Recorder connectRecorder = new Recorder(MAX_MICROS, 3);
    private final Recorder messageRecorder = new Recorder(MAX_MICROS, 3);
    private final Histogram connectTotal = new Histogram(MAX_MICROS, 3);
    private final Histogram messageTotal = new Histogram(MAX_MICROS, 3);
    private Histogram connectInterval;
    private Histogram messageInterval;
    private final List<Sample> timeline = new ArrayList<>();
    private long lastSent;
    private long lastDelivered;

    void connected(long micros) {
        connectRecorder.recordValue(Math.min(Math.max(micros, 0), MAX_MICROS));
        peak.accumulate(open.incrementAndGet());
    }

    void disconnected() {
        open.decrementAndGet();
    }

    /** A delivered message and its end-to-end latency. */
    void delivered(long latencyMicros, int bytes) {
        delivered.increment();
        bytesReceived.add(bytes);
        if (latencyMicros >= 0) {
            messageRecorder.recordValue(Math.min(latencyMicros, MAX_MICROS));
        }
    }

    void error(String kind) {
        errors.computeIfAbsent(kind, k -> new LongAdder()).increment();
    }

    /** A publish to {@code room} acknowledged at {@code offset}. */
    void acked(String room, long offset) {
        sent.increment();
        if (room != null) {
            lastOffsets.computeIfAbsent(room, r -> new LongAccumulator(Math::max, 0)).accumulate(offset);
        }
    }

    /** Closes one second: drains the recorders into the totals and appends a timeline sample. */
    synchronized Sample tick(long second, double seconds) {
        drain();
        long s = sent.sum();
        long d = delivered.sum();
        Sample sample = new Sample(second, open.get(), (s - lastSent) / seconds, (d - lastDelivered) / seconds,
                messageInterval.getValueAtPercentile(50) / 1000.0, messageInterval.getValueAtPercentile(99) / 1000.0,
                messageInterval.getMaxValue() / 1000.0);
        lastSent = s;
        lastDelivered = d;
        timeline.add(sample);
        return sample;
    }

    private void drain() {
        connectInterval = connectRecorder.getIntervalHistogram(connectInterval);
        messageInterval = messageRecorder.getIntervalHistogram(messageInterval);
        connectTotal.add(connectInterval);
        messageTotal.add(messageInterval);
    }

    /** The figures so far as a report; {@code rooms} are the subscribers' tallies, to be completed with last offsets. */
    synchronized RunReport report(LoadTestOptions o, long startedAt, double seconds, Map<String, RoomTally> subscriberTallies,
                                  long serverCpuMicros) {
        drain();
        Map<String, RoomTally> rooms = new TreeMap<>();
        subscriberTallies.forEach((room, t) -> rooms.put(room, t));
        lastOffsets.forEach((room, last) -> rooms.merge(room, new RoomTally(0, 0, 0, last.get()), RoomTally::plus));
        Map<String, Long> errs = new TreeMap<>();
        errors.forEach((k, v) -> errs.put(k, v.sum()));
        return new RunReport(o.scenario().cliName(), o.urls(), startedAt, seconds, o.connections(), peak.get(),
                connectAttempts.sum(), connectFailures.sum(), connectTotal.copy(), messageTotal.copy(), sent.sum(),
                delivered.sum(), bytesReceived.sum(), duplicates.sum(), outOfOrder.sum(), reconnects.sum(), errs,
                List.copyOf(timeline), rooms, expectedDirect.sum(), receivedDirect.sum(), serverCpuMicros);
    }
}

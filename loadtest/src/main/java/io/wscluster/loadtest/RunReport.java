package io.wscluster.loadtest;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.HdrHistogram.Histogram;

/**
 * The result of a run, or of several merged. Latency histograms hold microseconds. Rates divide by
 * the measured duration; runs merged from processes or machines that ran side by side share that
 * window, so their counts add and their duration is the longest.
 */
public record RunReport(String scenario, List<String> urls, long startedAtMillis, double durationSeconds,
                        long connectionsTarget, long connectionsPeak, long connectAttempts, long connectFailures,
                        Histogram connectLatency, Histogram messageLatency,
                        long sent, long delivered, long bytesReceived, long duplicates, long outOfOrder, long reconnects,
                        Map<String, Long> errors, List<Sample> timeline, Map<String, RoomTally> rooms,
                        long expectedDirect, long receivedDirect, long serverCpuMicros) {

    /** Messages that should have arrived and did not: room messages by offset, direct ones by count. */
    public long lost() {
        long lost = 0;
        for (RoomTally t : rooms.values()) {
            lost += Math.max(0, t.expected() - t.received());
        }
        return lost + Math.max(0, expectedDirect - receivedDirect);
    }

    /** Messages that should have arrived. */
    public long expected() {
        long expected = expectedDirect;
        for (RoomTally t : rooms.values()) {
            expected += t.expected();
        }
        return expected;
    }

    public double successRate() {
        return connectAttempts == 0 ? 0 : (double) (connectAttempts - connectFailures) / connectAttempts;
    }

    public double deliveredPerSec() {
        return durationSeconds <= 0 ? 0 : delivered / durationSeconds;
    }

    public double sentPerSec() {
        return durationSeconds <= 0 ? 0 : sent / durationSeconds;
    }

    public double mbPerSec() {
        return durationSeconds <= 0 ? 0 : bytesReceived / durationSeconds / 1e6;
    }

    /** Server CPU per delivered message in microseconds, or a negative value when not measured. */
    public double serverCpuUsPerDelivery() {
        return serverCpuMicros <= 0 || delivered == 0 ? -1 : (double) serverCpuMicros / delivered;
    }

    /** This report and {@code other} as one run: counts and histograms add, timelines add per second. */
    public RunReport merge(RunReport other) {
        Histogram connect = connectLatency.copy();
        connect.add(other.connectLatency);
        Histogram message = messageLatency.copy();
        message.add(other.messageLatency);
        Map<String, Long> errs = new TreeMap<>(errors);
        other.errors.forEach((k, v) -> errs.merge(k, v, Long::sum));
        Map<String, RoomTally> tallies = new HashMap<>(rooms);
        other.rooms.forEach((k, v) -> tallies.merge(k, v, RoomTally::plus));
        List<String> allUrls = new java.util.ArrayList<>(urls);
        other.urls.stream().filter(u -> !allUrls.contains(u)).forEach(allUrls::add);
        return new RunReport(scenario, allUrls, Math.min(startedAtMillis, other.startedAtMillis),
                Math.max(durationSeconds, other.durationSeconds), connectionsTarget + other.connectionsTarget,
                connectionsPeak + other.connectionsPeak, connectAttempts + other.connectAttempts,
                connectFailures + other.connectFailures, connect, message, sent + other.sent, delivered + other.delivered,
                bytesReceived + other.bytesReceived, duplicates + other.duplicates, outOfOrder + other.outOfOrder,
                reconnects + other.reconnects, errs, mergeTimelines(timeline, other.timeline), tallies,
                expectedDirect + other.expectedDirect, receivedDirect + other.receivedDirect,
                Math.max(serverCpuMicros, other.serverCpuMicros));
    }

    /**
     * Adds rates and connections second by second. Percentiles of one second cannot be merged from
     * percentiles: the larger of the two is kept, an upper bound of the merged one.
     */
    private static List<Sample> mergeTimelines(List<Sample> a, List<Sample> b) {
        Map<Long, Sample> bySecond = new TreeMap<>();
        for (Sample s : a) {
            bySecond.put(s.second(), s);
        }
        for (Sample s : b) {
            bySecond.merge(s.second(), s, (x, y) -> new Sample(x.second(), x.connections() + y.connections(),
                    x.sentPerSec() + y.sentPerSec(), x.deliveredPerSec() + y.deliveredPerSec(),
                    Math.max(x.p50Ms(), y.p50Ms()), Math.max(x.p99Ms(), y.p99Ms()), Math.max(x.maxMs(), y.maxMs())));
        }
        return List.copyOf(bySecond.values());
    }
}

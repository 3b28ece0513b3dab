package io.wscluster.loadtest;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.HdrHistogram.Histogram;

/**
 * Builds {@link RunReport}s for unit tests: start from {@link #typical()} or {@link #empty()},
 * change the fields a test cares about, then {@link #build()}.
 */
final class Reports {
    String scenario = "fanout";
    List<String> urls = new ArrayList<>(List.of("ws://127.0.0.1:8080/ws"));
    long startedAtMillis = 1_700_000_000_000L; // 2023-11-14 22:13:20 UTC
    double durationSeconds = 10;
    long connectionsTarget = 100;
    long connectionsPeak = 100;
    long connectAttempts = 100;
    long connectFailures;
    Histogram connectLatency = histogram();
    Histogram messageLatency = histogram();
    long sent;
    long delivered;
    long bytesReceived;
    long duplicates;
    long outOfOrder;
    long reconnects;
    Map<String, Long> errors = new TreeMap<>();
    List<Sample> timeline = new ArrayList<>();
    Map<String, RoomTally> rooms = new TreeMap<>();
    long expectedDirect;
    long receivedDirect;
    long serverCpuMicros;

    /**
     * 100 connections at 2 ms; 10 s of 100 sent/s and 10000 delivered/s to one room of 100
     * subscribers, all received; message latency 1..100 ms, one value each, 1000 times over
     * (so p50 about 50 ms, p99 about 99 ms, max 100 ms).
     */
    static Reports typical() {
        Reports b = new Reports();
        b.connectLatency.recordValueWithCount(2_000, 100);
        for (int ms = 1; ms <= 100; ms++) {
            b.messageLatency.recordValueWithCount(ms * 1_000L, 1_000);
        }
        b.sent = 1_000;
        b.delivered = 100_000;
        b.bytesReceived = 52_000_000;
        b.rooms.put("room-1", new RoomTally(100, 0, 100_000, 1_000));
        for (int s = -2; s < 10; s++) {
            b.timeline.add(new Sample(s, 100, s < 0 ? 0 : 100, s < 0 ? 0 : 10_000, s < 0 ? 0 : 50, s < 0 ? 0 : 99,
                    s < 0 ? 0 : 100));
        }
        return b;
    }

    /** A run that connected nothing and measured nothing. */
    static Reports empty() {
        Reports b = new Reports();
        b.urls = List.of();
        b.durationSeconds = 0;
        b.connectionsPeak = 0;
        b.connectAttempts = 0;
        return b;
    }

    static Histogram histogram() {
        return new Histogram(3_600_000_000L, 3);
    }

    RunReport build() {
        return new RunReport(scenario, urls, startedAtMillis, durationSeconds, connectionsTarget, connectionsPeak,
                connectAttempts, connectFailures, connectLatency, messageLatency, sent, delivered, bytesReceived,
                duplicates, outOfOrder, reconnects, errors, timeline, rooms, expectedDirect, receivedDirect,
                serverCpuMicros);
    }
}

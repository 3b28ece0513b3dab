package io.wscluster.cli;

import io.wscluster.client.ClientEvent;
import io.wscluster.client.RoomMessage;
import io.wscluster.client.WscException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import io.wscluster.protocol.Futures;

/**
 * Follows every publish from its ack to every subscriber of its room. Each publish carries a unique
 * text (its id), so that a message stored twice under two offsets (a retried publish) shows as a
 * duplicate although dedup by offset lets it through. Per subscriber and room it then counts what
 * was acknowledged and never arrived, split by whether the subscriber was told ({@code GAP} for
 * the room), what arrived twice, and what arrived out of offset order within an epoch.
 */
final class HistoryChecker {
    /** One publish: its room, when it was sent, and its ack's offset once acknowledged. */
    private record Publish(String room, long sentAt) {
    }

    /** One message as a subscriber received it. */
    private record Receipt(String id, String epoch, long offset, long at) {
    }

    /** What one subscriber saw of its room. */
    private static final class Subscriber {
        final String room;
        final boolean expectedToMove;
        final List<Receipt> receipts = new CopyOnWriteArrayList<>();
        volatile boolean told;
        volatile int disconnects;

        Subscriber(String room, boolean expectedToMove) {
            this.room = room;
            this.expectedToMove = expectedToMove;
        }
    }

    /**
     * What a run came to.
     *
     * @param failed             publishes not acknowledged, by error code
     * @param refusedYetStored   publishes answered {@code unavailable} that reached a subscriber all the same (must be none)
     * @param lost               acknowledged messages a subscriber never got and was not told of (per subscriber)
     * @param told               acknowledged messages a subscriber never got after a {@code GAP} for the room
     * @param recoveryMs         from the fault's end to the last subscriber receiving a message published after it
     * @param disconnectedHealthy subscribers of nodes the fault did not touch that lost their connection
     * @param disconnectedFaulted subscribers of the faulted nodes that lost their connection
     */
    record Result(int acked, Map<String, Integer> failed, int refusedYetStored, long lost, long told, long gapEvents, long duplicated, long reordered,
                  long recoveryMs, int disconnectedHealthy, int disconnectedFaulted) {
        String json() {
            StringBuilder failures = new StringBuilder("{");
            new java.util.TreeMap<>(failed).forEach((code, n) -> failures.append(failures.length() > 1 ? "," : "")
                    .append('"').append(code).append("\":").append(n));
            failures.append('}');
            return String.format("{\"acked\":%d,\"failed\":%s,\"refused_yet_stored\":%d,\"lost\":%d,\"told\":%d,\"gap_events\":%d,"
                    + "\"duplicated\":%d,\"reordered\":%d,\"recovery_ms\":%d,\"disconnected_healthy\":%d,\"disconnected_faulted\":%d}",
                    acked, failures, refusedYetStored, lost, told, gapEvents, duplicated, reordered, recoveryMs, disconnectedHealthy, disconnectedFaulted);
        }
    }

    private final Map<String, Publish> sent = new ConcurrentHashMap<>();
    private final Set<String> acked = ConcurrentHashMap.newKeySet();
    private final Map<String, Integer> failures = new ConcurrentHashMap<>();
    /** The publishes answered {@code unavailable}: certainly not stored, so none may arrive. */
    private final Set<String> refused = ConcurrentHashMap.newKeySet();
    private final List<Subscriber> subscribers = new CopyOnWriteArrayList<>();

    /** A subscriber of {@code room}; {@code expectedToMove} when it is on a node the fault takes away. Returns its index. */
    int subscriber(String room, boolean expectedToMove) {
        subscribers.add(new Subscriber(room, expectedToMove));
        return subscribers.size() - 1;
    }

    void received(int subscriber, RoomMessage m) {
        subscribers.get(subscriber).receipts.add(new Receipt(m.data(String.class), m.epoch(), m.offset(), System.nanoTime()));
    }

    void event(int subscriber, ClientEvent e) {
        Subscriber s = subscribers.get(subscriber);
        if (e.type() == ClientEvent.Type.GAP && s.room.equals(e.detail())) {
            s.told = true;
        } else if (e.type() == ClientEvent.Type.DISCONNECTED) {
            s.disconnects++;
        }
    }

    /** A publish of {@code id} to {@code room} is being sent. */
    void sending(String id, String room) {
        sent.put(id, new Publish(room, System.nanoTime()));
    }

    /** Its outcome: acknowledged, or the error's code. */
    void outcome(String id, Throwable error) {
        if (error == null) {
            acked.add(id);
        } else {
            Throwable cause = Futures.cause(error);
            String code = cause instanceof WscException w ? w.code() : cause.getClass().getSimpleName();
            failures.merge(code, 1, Integer::sum);
            if (code.equals("unavailable")) {
                refused.add(id);
            }
        }
    }

    /** The last receipt of any subscriber (to wait for the stream to settle). */
    long lastReceiptNanos() {
        return subscribers.stream().flatMap(s -> s.receipts.stream()).mapToLong(Receipt::at).max().orElse(0);
    }

    /** Every acknowledged message of its room received by every subscriber, or told of. */
    boolean caughtUp() {
        for (Subscriber s : subscribers) {
            Set<String> got = new HashSet<>();
            s.receipts.forEach(r -> got.add(r.id()));
            for (String id : acked) {
                if (sent.get(id).room().equals(s.room) && !got.contains(id) && !s.told) {
                    return false;
                }
            }
        }
        return true;
    }

    /** The counts, with recovery measured from {@code faultEnded} (a {@link System#nanoTime}). */
    Result check(long faultEnded) {
        long lost = 0, told = 0, gaps = 0, duplicated = 0, reordered = 0, recovered = faultEnded;
        Set<String> refusedYetStored = new HashSet<>();
        int healthyMoved = 0, faultedMoved = 0;
        for (Subscriber s : subscribers) {
            Map<String, Integer> times = new HashMap<>();
            Receipt previous = null;
            long firstAfter = Long.MAX_VALUE;
            for (Receipt r : s.receipts) {
                if (times.merge(r.id(), 1, Integer::sum) > 1) {
                    duplicated++;
                }
                if (previous != null && previous.epoch().equals(r.epoch()) && r.offset() <= previous.offset()) {
                    reordered++;
                }
                previous = r;
                if (refused.contains(r.id())) {
                    refusedYetStored.add(r.id());
                }
                Publish p = sent.get(r.id());
                if (p != null && p.sentAt() >= faultEnded) {
                    firstAfter = Math.min(firstAfter, r.at());
                }
            }
            for (String id : acked) {
                if (sent.get(id).room().equals(s.room) && !times.containsKey(id)) {
                    if (s.told) {
                        told++;
                    } else {
                        lost++;
                    }
                }
            }
            gaps += s.told ? 1 : 0;
            if (firstAfter != Long.MAX_VALUE) {
                recovered = Math.max(recovered, firstAfter);
            }
            if (s.disconnects > 0) {
                if (s.expectedToMove) {
                    faultedMoved++;
                } else {
                    healthyMoved++;
                }
            }
        }
        return new Result(acked.size(), Map.copyOf(failures), refusedYetStored.size(), lost, told, gaps, duplicated, reordered,
                TimeUnit.NANOSECONDS.toMillis(recovered - faultEnded), healthyMoved, faultedMoved);
    }
}

package io.wscluster.hub;

import io.wscluster.history.HistoryRead;
import io.wscluster.codec.Message;
import io.wscluster.protocol.StreamPosition;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * One room's messages as this node hands them to its subscribers: each offset once and in order,
 * whatever the bus did on the way. The bus can lose messages of a room without a word (a pub/sub
 * connection that was reset, went half-open, or reconnected after what was published meanwhile),
 * and the room's stream can restart in another epoch (Redis restarted empty).
 *
 * <p>How: the position of the last message handed on is kept. A message that does not follow it (a
 * hole, or another epoch), or the bus saying that it receives the room again after an
 * interruption, starts a <em>repair</em>: the history after that position is read and handed on
 * first, then what arrived meanwhile (held here, in order), so subscribers see no hole and no
 * reordering. Where the history no longer reaches back, or the stream restarted in another epoch,
 * the subscribers are told ({@link Sink#restarted}) before the next message: they may have missed
 * something and reload. A new epoch that starts at its first offset while nothing was interrupted
 * is no loss (the room's keys expired while it was quiet) and is handed on without a word.
 *
 * <p>Bounds: at most {@link #MAX_HELD} messages wait for a repair; a repair whose read keeps failing
 * is retried {@link #ATTEMPTS} times, {@link #RETRY} apart and doubling up to {@link #LONGEST_RETRY}
 * (about 20 s in all: the node's command connection may be reconnecting after the pub/sub one came
 * back). Past either, the repair gives up: the subscribers are told, and what waited is handed on.
 *
 * <p>Cost on the delivery path: one lock and two comparisons per message. Thread-safe: the bus's
 * thread and repair reads complete under the same lock, and every hand-on happens under it, so
 * hand-ons keep their order.
 */
final class RoomStream {
    static final int MAX_HELD = 1_000;
    static final int ATTEMPTS = 8;
    static final Duration RETRY = Duration.ofMillis(500);
    static final Duration LONGEST_RETRY = Duration.ofSeconds(4);

    /** Where this room's messages go. Called under the stream's lock: must not block. */
    interface Sink {
        /**
         * Hands a message on to the room's subscribers.
         *
         * @param next true when it follows the last one handed on; false for one at or before it (a
         *             late duplicate, which subscribers drop by offset)
         */
        void message(Message m, boolean next);

        /**
         * What follows is not contiguous with what was handed on: the subscribers' stream restarts
         * after {@code at}, which is earlier than what they have when {@code reason} is {@link #REWOUND}.
         */
        void restarted(StreamPosition at, String reason);

        /** A repair starts (for the metrics). */
        void repairing();
    }

    /** The room lost messages its history no longer holds. */
    static final String HISTORY_LOST = "history";
    /** The room's stream restarted in a new epoch: its history was lost (Redis restarted empty). */
    static final String EPOCH_CHANGED = "epoch";
    /** The history could not be read to repair a hole (Redis unavailable), or too much arrived meanwhile. */
    static final String NOT_REPAIRED = "unavailable";
    /**
     * Redis lost messages it had already placed (a failover to a replica that had not received them,
     * a restart from an older snapshot): the stream goes on from an earlier offset than what was
     * handed on, and its next offsets name other messages.
     */
    static final String REWOUND = "rewound";

    private final String room;
    private final Sink sink;
    private final Function<StreamPosition, CompletionStage<HistoryRead>> history;
    private final Duration retry;
    private final ArrayDeque<Message> held = new ArrayDeque<>();
    /** Of the last message handed on; null while unknown. */
    private String epoch;
    private long offset;
    private boolean repairing;
    /** Delivery was interrupted since the last message handed on: a new epoch may hide a loss. */
    private boolean interrupted;
    /** The bus resubscribed during a repair whose read may have come before: repair once more. */
    private boolean again;
    /** Bumped when a repair is given up or the stream closed: a late read of an old repair is dropped. */
    private int generation;
    private boolean closed;

    /** @param history reads the room's messages after a position (all stored, for null) */
    RoomStream(String room, Sink sink, Function<StreamPosition, CompletionStage<HistoryRead>> history) {
        this(room, sink, history, RETRY);
    }

    /** @param retry the first wait before a failed read is tried again (it doubles, up to {@link #LONGEST_RETRY}) */
    RoomStream(String room, Sink sink, Function<StreamPosition, CompletionStage<HistoryRead>> history, Duration retry) {
        this.room = room;
        this.sink = sink;
        this.history = history;
        this.retry = retry;
    }

    /** The bus delivered {@code m}; on the bus's thread. */
    void arrived(Message m) {
        boolean repair;
        synchronized (this) {
            if (closed) {
                return;
            }
            repair = admit(m);
        }
        if (repair) {
            repair(0);
        }
    }

    /** A subscriber read the room's position (its subscribe): until a message came, the stream starts there. */
    synchronized void seen(StreamPosition p) {
        if (epoch == null && p != null) {
            epoch = p.epoch();
            offset = p.offset();
        }
    }

    /** Delivery to this node was interrupted: messages may have been lost, and a new epoch may hide a loss. */
    synchronized void interrupted() {
        interrupted = true;
    }

    /** The bus receives the room again after an interruption: what was published meanwhile is read from history. */
    void resubscribed() {
        synchronized (this) {
            if (closed || epoch == null) {
                return; // nothing handed on yet: the subscribers' own reads cover what came before
            }
            interrupted = true;
            if (repairing) {
                again = true;
                return;
            }
            repairing = true;
        }
        repair(0);
    }

    /** The room has no local subscriber any more: nothing is handed on, a repair in flight is dropped. */
    synchronized void close() {
        closed = true;
        generation++;
        held.clear();
    }

    /** Under the lock: hands {@code m} on, or holds it; returns true when a repair must start. */
    private boolean admit(Message m) {
        if (repairing) {
            hold(m);
            return false;
        }
        boolean sameEpoch = m.epoch().equals(epoch);
        if (epoch == null || !sameEpoch && m.offset() == 1 && !interrupted || sameEpoch && m.offset() == offset + 1) {
            handOn(m);
            return false;
        }
        if (sameEpoch && m.offset() <= offset) {
            sink.message(m, false);
            return false;
        }
        repairing = true; // a hole, or another epoch that did not start cleanly
        hold(m);
        return true;
    }

    private void handOn(Message m) {
        epoch = m.epoch();
        offset = m.offset();
        interrupted = false;
        sink.message(m, true);
    }

    private void hold(Message m) {
        held.addLast(m);
        if (held.size() > MAX_HELD) {
            giveUp(); // the repair is too slow for the room's rate
        }
    }

    private void repair(int attempt) {
        StreamPosition since;
        int gen;
        synchronized (this) {
            since = new StreamPosition(epoch, offset);
            gen = generation;
            again = false;
            if (attempt == 0) {
                sink.repairing();
            }
        }
        CompletionStage<HistoryRead> read;
        try {
            read = history.apply(since);
        } catch (RuntimeException e) {
            read = CompletableFuture.failedFuture(e);
        }
        read.whenComplete((r, error) -> finished(gen, since, attempt, r, error));
    }

    private void finished(int gen, StreamPosition since, int attempt, HistoryRead r, Throwable error) {
        synchronized (this) {
            if (closed || gen != generation) {
                return;
            }
            if (error != null) {
                if (attempt + 1 >= ATTEMPTS) {
                    giveUp();
                    return;
                }
            } else {
                apply(since, r);
                if (!again) {
                    repairing = false;
                    if (!release()) {
                        return;
                    }
                }
            }
        }
        if (error != null) {
            long wait = Math.min(retry.toMillis() << Math.min(attempt, 10), LONGEST_RETRY.toMillis());
            CompletableFuture.delayedExecutor(wait, TimeUnit.MILLISECONDS).execute(() -> repair(attempt + 1));
        } else {
            repair(0); // another hole among what was held, or a resubscription during the read
        }
    }

    /** Under the lock: hands on what the history holds after {@code since}, telling the subscribers first where it does not follow on. */
    private void apply(StreamPosition since, HistoryRead r) {
        List<Message> found = r.messages();
        boolean sameEpoch = since.epoch().equals(r.latest().epoch());
        if (sameEpoch && r.latest().offset() < since.offset()) {
            epoch = r.latest().epoch();
            offset = r.latest().offset();
            sink.restarted(new StreamPosition(epoch, offset), REWOUND);
            interrupted = false;
            return;
        }
        if (!r.recovered() && !(sameEpoch && r.latest().offset() <= since.offset())) { // (nothing new: a room without history loses nothing either)
            long first = found.isEmpty() ? firstHeld(r.latest()) : found.get(0).offset();
            boolean cleanStart = !sameEpoch && first == 1 && !interrupted;
            epoch = r.latest().epoch();
            offset = first - 1;
            if (!cleanStart) {
                sink.restarted(new StreamPosition(epoch, offset), sameEpoch ? HISTORY_LOST : EPOCH_CHANGED);
            }
        }
        for (Message m : found) {
            if (m.epoch().equals(epoch) && m.offset() == offset + 1) {
                handOn(m);
            }
        }
        interrupted = false;
    }

    /** Under the lock: the first offset this node holds after {@code latest}'s history (none stored): the first held in its epoch, or the next. */
    private long firstHeld(StreamPosition latest) {
        for (Message m : held) {
            if (m.epoch().equals(latest.epoch())) {
                return Math.min(m.offset(), latest.offset() + 1);
            }
        }
        return latest.offset() + 1;
    }

    /** Under the lock: hands on what was held, until one starts a repair again; returns true when it did. */
    private boolean release() {
        List<Message> waiting = new ArrayList<>(held);
        held.clear();
        boolean repair = false;
        for (Message m : waiting) {
            repair |= admit(m);
        }
        return repair;
    }

    /**
     * Under the lock: stops repairing and hands on what waited, telling the subscribers before each
     * message that does not follow on (the first one, and any hole among them).
     */
    private void giveUp() {
        generation++;
        repairing = false;
        again = false;
        List<Message> waiting = new ArrayList<>(held);
        held.clear();
        boolean told = false;
        for (Message m : waiting) {
            boolean sameEpoch = m.epoch().equals(epoch);
            if (sameEpoch && m.offset() <= offset) {
                sink.message(m, false);
                continue;
            }
            if (!sameEpoch || m.offset() != offset + 1) {
                sink.restarted(new StreamPosition(m.epoch(), m.offset() - 1), NOT_REPAIRED);
                told = true;
            }
            handOn(m);
        }
        if (!told) {
            // Nothing held came after the hole (a resubscription's repair): the next message shows where the stream goes on.
            sink.restarted(new StreamPosition(epoch, offset), NOT_REPAIRED);
        }
    }

    @Override
    public synchronized String toString() {
        return "RoomStream[" + room + " at " + epoch + ":" + offset + (repairing ? ", repairing, " + held.size() + " held" : "") + "]";
    }
}

package io.wscluster.history;

import io.wscluster.codec.Message;
import io.wscluster.protocol.StreamPosition;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Room streams held in memory: for each room an epoch, the latest offset and the newest messages,
 * as many and as many bytes as its {@link HistoryLimits} say. A room untouched for its TTL is forgotten by {@link
 * #expire}, and the next use starts a new epoch, exactly as a Redis stream whose key expired would.
 *
 * <p>{@link #append} is the write side the embedded bus uses; it is atomic per room, so offsets
 * strictly increase in the order appends return.
 */
public final class LocalHistory implements HistoryStore {
    private final HistoryLimits limits;
    private final ConcurrentHashMap<String, RoomLog> rooms = new ConcurrentHashMap<>();

    public LocalHistory(int size, Duration ttl) {
        this(HistoryLimits.uniform(size, ttl));
    }

    public LocalHistory(HistoryLimits limits) {
        this.limits = Objects.requireNonNull(limits, "limits");
    }

    /**
     * Places a room message in its room's stream and hands the placed message to {@code then} while
     * the room is still locked, so a caller that delivers inside {@code then} delivers in offset order.
     */
    public Message append(Message message, java.util.function.Consumer<Message> then) {
        return locked(message.room(), log -> {
            Message placed = message.at(log.epoch, log.offset + 1);
            log.offset = placed.offset();
            log.touched = System.currentTimeMillis();
            int size = limits.size(message.room());
            int maxBytes = limits.maxBytes(message.room());
            if (size > 0) {
                log.messages.addLast(placed);
                if (maxBytes > 0) {
                    int bytes = jsonBytes(placed);
                    log.sizes.addLast(bytes);
                    log.bytes += bytes;
                }
                // The oldest go first, down to the size and the byte cap; the newest always stays (as on Redis).
                while (log.messages.size() > 1 && (log.messages.size() > size || maxBytes > 0 && log.bytes > maxBytes)) {
                    log.messages.removeFirst();
                    if (maxBytes > 0) {
                        log.bytes -= log.sizes.removeFirst();
                    }
                }
            }
            then.accept(placed);
            return placed;
        });
    }

    @Override
    public CompletionStage<StreamPosition> position(String room) {
        return CompletableFuture.completedFuture(locked(room, log -> new StreamPosition(log.epoch, log.offset)));
    }

    @Override
    public CompletionStage<HistoryRead> read(String room, StreamPosition since, int limit) {
        return CompletableFuture.completedFuture(locked(room, log -> {
            StreamPosition latest = new StreamPosition(log.epoch, log.offset);
            boolean sameEpoch = since != null && since.epoch().equals(log.epoch) && since.offset() <= log.offset;
            long after = sameEpoch ? since.offset() : 0;
            long oldestStored = log.messages.isEmpty() ? log.offset + 1 : log.messages.peekFirst().offset();
            boolean recovered = sameEpoch && after + 1 >= oldestStored;
            List<Message> found = new ArrayList<>();
            for (Message m : log.messages) {
                if (m.offset() > after) {
                    found.add(m);
                }
            }
            if (limit > 0 && found.size() > limit) {
                found = found.subList(found.size() - limit, found.size());
                recovered = false; // the limit cut messages after since: they are no longer all there
            }
            return new HistoryRead(latest, found, recovered);
        }));
    }

    /** What a message weighs against a byte cap: its data as JSON (Redis counts a few fields more). */
    private static int jsonBytes(Message m) {
        return m.data().utf8Length();
    }

    /** Forgets rooms untouched for longer than the TTL; returns how many. */
    public int expire(long nowMillis) {
        int removed = 0;
        for (var e : rooms.entrySet()) {
            RoomLog log = e.getValue();
            synchronized (log) {
                if (nowMillis - log.touched > limits.ttl(e.getKey()).toMillis() && rooms.remove(e.getKey(), log)) {
                    log.expired = true;
                    removed++;
                }
            }
        }
        return removed;
    }

    /** Rooms currently held. */
    public int roomCount() {
        return rooms.size();
    }

    /** Runs {@code action} holding the room's lock, on a log that {@link #expire} has not dropped. */
    private <T> T locked(String room, java.util.function.Function<RoomLog, T> action) {
        while (true) {
            RoomLog log = rooms.computeIfAbsent(room, r -> new RoomLog());
            synchronized (log) {
                if (!log.expired) {
                    log.touched = System.currentTimeMillis();
                    return action.apply(log);
                }
            }
        }
    }

    private static final class RoomLog {
        final String epoch = Long.toString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE, 36);
        final ArrayDeque<Message> messages = new ArrayDeque<>();
        /** The byte weight of each message kept, oldest first, while a byte cap applies; and their sum. */
        final ArrayDeque<Integer> sizes = new ArrayDeque<>();
        long bytes;
        long offset;
        long touched = System.currentTimeMillis();
        boolean expired;
    }
}

package io.wscluster.redis;

import io.lettuce.core.RedisCommandExecutionException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * Room publishes on their way to Redis, placed by one call of the publish script for all those
 * that waited for the same flush: the call itself costs Redis a part of every publish it carries
 * (13 µs per message one by one, 11 with ten per call: bench/redis-publish.sh), and the node one
 * command to encode and answer instead of many. Each message is still placed as if alone
 * (publish.lua), and each caller learns its own outcome: its placement, or the error Redis gave for
 * its message alone, or the call's failure.
 *
 * <p>Commands issued through {@link #thenRun} go after every publish added before them, so a node
 * sends to Redis in the order it was asked. On a Redis Cluster the keys of one call must share a
 * slot: there each publish is its own call, sent at once. Thread-safe.
 */
final class RoomPublishes {
    /** The values publish.lua takes for each message. */
    static final int ARGS_PER_MESSAGE = 7;

    private final RedisLinks publisher;
    private final Runnable flush;
    private final String idempotencyTtlSeconds;
    private final List<Waiting> waiting = new ArrayList<>();

    /**
     * @param publisher             the connection the calls go on
     * @param flush                 what sends a call queued outside a flush (a script reloaded after a Redis restart)
     * @param idempotencyTtlSeconds how long idempotency keys are kept
     */
    RoomPublishes(RedisLinks publisher, Runnable flush, long idempotencyTtlSeconds) {
        this.publisher = publisher;
        this.flush = flush;
        this.idempotencyTtlSeconds = String.valueOf(idempotencyTtlSeconds);
    }

    /**
     * Adds a publish to the next call: {@code keys} are the room's meta, stream and channel keys and
     * its idempotency key if {@code args}' last says it has one; {@code args} are publish.lua's
     * {@value #ARGS_PER_MESSAGE} values for it. Completes with {epoch, offset}, or {epoch, offset, 1}
     * when an earlier publish with the same idempotency key placed it.
     */
    CompletionStage<List<Object>> add(String[] keys, String... args) {
        if (args.length != ARGS_PER_MESSAGE) {
            throw new IllegalArgumentException("publish.lua takes " + ARGS_PER_MESSAGE + " values per message");
        }
        Waiting w = new Waiting(keys, args, new CompletableFuture<>());
        synchronized (this) {
            waiting.add(w);
            if (publisher.sharded()) {
                queue();
            }
        }
        return w.placed;
    }

    /** Queues one script call for every publish waiting, on the publisher's connection (which may wait for a flush). */
    synchronized void queue() {
        if (waiting.isEmpty()) {
            return;
        }
        List<Waiting> batch = List.copyOf(waiting);
        waiting.clear();
        List<String> keys = new ArrayList<>(batch.size() * 4);
        List<String> args = new ArrayList<>(2 + batch.size() * ARGS_PER_MESSAGE);
        args.add(publisher.publishCommand());
        args.add(idempotencyTtlSeconds);
        for (Waiting w : batch) {
            keys.addAll(List.of(w.keys));
            args.addAll(List.of(w.args));
        }
        Scripts.PUBLISH.run(publisher.commands(), flush, keys.toArray(String[]::new), args.toArray(String[]::new))
                .whenComplete((out, error) -> complete(batch, out, error));
    }

    /** Queues what waits, then issues {@code command}: it reaches Redis after them. */
    synchronized <T> CompletionStage<T> thenRun(Supplier<CompletionStage<T>> command) {
        queue();
        return command.get();
    }

    private static void complete(List<Waiting> batch, List<Object> out, Throwable error) {
        if (error == null && (out == null || out.size() != batch.size() * 3)) {
            error = new IllegalStateException("the publish script answered " + (out == null ? 0 : out.size()) + " values for "
                    + batch.size() + " messages");
        }
        for (int i = 0; i < batch.size(); i++) {
            CompletableFuture<List<Object>> placed = batch.get(i).placed;
            if (error != null) {
                placed.completeExceptionally(error);
                continue;
            }
            Object epoch = out.get(3 * i);
            Object offset = out.get(3 * i + 1);
            Object outcome = out.get(3 * i + 2);
            if (outcome instanceof String refusal) {
                placed.completeExceptionally(new RedisCommandExecutionException(refusal));
            } else if (Long.valueOf(1).equals(outcome)) {
                placed.complete(List.of(epoch, offset, outcome));
            } else {
                placed.complete(List.of(epoch, offset));
            }
        }
    }

    private record Waiting(String[] keys, String[] args, CompletableFuture<List<Object>> placed) {
    }
}

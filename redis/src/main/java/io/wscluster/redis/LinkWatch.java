package io.wscluster.redis;

import io.lettuce.core.Delegating;
import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisChannelWriter;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.protocol.DefaultEndpoint;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tears down a Redis connection that looks up but no longer answers, so that Lettuce opens a new
 * one. Lettuce reconnects a connection that closed, but not one that went silent: a peer that
 * vanished without a reset (a network partition, a host that froze, a middlebox that dropped the
 * flow) leaves the socket open for as long as the kernel's keep-alive takes, hours by default, and
 * a pub/sub connection in that state delivers nothing while every command on it times out.
 *
 * <p>How: every {@link #PERIOD} a {@code PING} goes over the connection; after {@link #MISSES}
 * periods in a row without an answer while the connection says it is open, its socket is
 * disconnected (Lettuce's watchdog then reconnects it and, for pub/sub, subscribes again, which
 * makes the bus read from history what it missed). Costs one {@code PING} a second per connection.
 * Only for connections to a standalone Redis: a Redis Cluster connection is many sockets, which
 * Lettuce's topology refresh looks after.
 */
public final class LinkWatch {
    private static final Logger log = LoggerFactory.getLogger(LinkWatch.class);
    static final Duration PERIOD = Duration.ofSeconds(1);
    static final int MISSES = 3;

    private final String name;
    private final StatefulConnection<?, ?> connection;
    private final Supplier<CompletionStage<?>> ping;
    private final ScheduledFuture<?> ticks;
    private CompletableFuture<?> inFlight = CompletableFuture.completedFuture(null);
    private int misses;

    /**
     * @param ping issues one {@code PING} on {@code connection} (and flushes it, on a connection that does not flush by itself)
     */
    LinkWatch(String name, StatefulConnection<?, ?> connection, Supplier<CompletionStage<?>> ping, ScheduledExecutorService timer,
              Duration period) {
        this.name = name;
        this.connection = connection;
        this.ping = ping;
        this.ticks = timer.scheduleAtFixedRate(this::tick, period.toMillis(), period.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Watches a command connection to a standalone Redis every {@link #PERIOD} on {@code timer}; {@link #stop()} it before closing the connection. */
    public static LinkWatch watch(String name, io.lettuce.core.api.StatefulRedisConnection<String, String> connection,
                                  ScheduledExecutorService timer) {
        return new LinkWatch(name, connection, () -> connection.async().ping(), timer, PERIOD);
    }

    /** Watches the command connection of {@code links}, a part's own, to a standalone Redis. */
    static LinkWatch watchCommands(String name, RedisLinks links, ScheduledExecutorService timer) {
        return new LinkWatch(name, links.connection(), () -> links.commands().ping(), timer, PERIOD);
    }

    /** Watches a pub/sub connection to a standalone Redis (a {@code PING} is allowed while subscribed). */
    static LinkWatch watchPubSub(String name, io.lettuce.core.pubsub.StatefulRedisPubSubConnection<String, String> connection,
                                 ScheduledExecutorService timer) {
        return new LinkWatch(name, connection, () -> connection.async().ping(), timer, PERIOD);
    }

    public void stop() {
        ticks.cancel(false);
    }

    private synchronized void tick() {
        if (!connection.isOpen()) {
            misses = 0; // closed or reconnecting: Lettuce is on it
            return;
        }
        boolean answered = inFlight.isDone() && !inFlight.isCompletedExceptionally();
        misses = answered ? 0 : misses + 1;
        if (misses >= MISSES) {
            misses = 0;
            log.warn("{}: Redis has not answered for {} ms on a connection that looks open: disconnecting it to open a new one",
                    name, MISSES * PERIOD.toMillis());
            disconnect(connection);
        }
        if (inFlight.isDone()) {
            try {
                inFlight = ping.get().toCompletableFuture();
            } catch (RuntimeException e) {
                inFlight = CompletableFuture.failedFuture(e);
            }
        }
    }

    /** Closes the connection's socket without closing the connection: Lettuce reconnects it as after any lost socket. */
    static void disconnect(StatefulConnection<?, ?> connection) {
        if (!(connection instanceof RedisChannelHandler<?, ?> handler)) {
            return;
        }
        Object writer = handler.getChannelWriter();
        while (writer instanceof Delegating<?> d && !(writer instanceof DefaultEndpoint)) {
            writer = d.getDelegate();
        }
        if (writer instanceof DefaultEndpoint endpoint) {
            endpoint.disconnect();
        } else if (writer instanceof RedisChannelWriter w) {
            log.warn("cannot disconnect a Redis connection written through {}", w.getClass().getName());
        }
    }
}

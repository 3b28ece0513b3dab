package io.wscluster.redis;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.async.RedisAdvancedClusterAsyncCommands;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.BiConsumer;

/**
 * The connections a Redis part uses, on a standalone Redis or on a Redis Cluster, and the only
 * commands that differ between the two: publishing and subscribing. Everything else goes through
 * {@link RedisClusterAsyncCommands}, which the async commands of both kinds of connection
 * implement (on a cluster, Lettuce routes each command to the master of its key's slot).
 *
 * <p>On a cluster, pub/sub is sharded (Redis 7: {@code SPUBLISH}, {@code SSUBSCRIBE}): a message
 * travels only inside the shard that owns its channel's slot, so adding shards adds pub/sub
 * capacity, where classic {@code PUBLISH} would be copied to every node of the cluster.
 *
 * @param connection the command connection (closed by {@link #closeAsync()}); null when the caller owns it
 * @param commands   its async commands
 * @param pubsub     the pub/sub connection; null for a part that only publishes
 * @param sharded    true on a Redis Cluster
 */
record RedisLinks(StatefulConnection<String, String> connection, RedisClusterAsyncCommands<String, String> commands,
                  StatefulRedisPubSubConnection<String, String> pubsub, boolean sharded) {

    RedisLinks {
        Objects.requireNonNull(commands, "commands");
    }

    /** A command connection and a pub/sub connection to a standalone Redis. Blocks: call at startup. */
    static RedisLinks open(RedisClient client) {
        StatefulRedisConnection<String, String> c = client.connect();
        try {
            return new RedisLinks(c, c.async(), client.connectPubSub(), false);
        } catch (RuntimeException e) {
            c.close();
            throw e;
        }
    }

    /** A command connection and a pub/sub connection to a Redis Cluster. Blocks: call at startup. */
    static RedisLinks open(RedisClusterClient client) {
        StatefulRedisClusterConnection<String, String> c = client.connect();
        try {
            return new RedisLinks(c, c.async(), client.connectPubSub(), true);
        } catch (RuntimeException e) {
            c.close();
            throw e;
        }
    }

    /**
     * A command connection whose commands wait for an explicit {@code flushCommands()}, for
     * {@link PublishBatcher}. Blocks: call at startup.
     */
    static RedisLinks batched(RedisClient client) {
        StatefulRedisConnection<String, String> c = client.connect();
        c.setAutoFlushCommands(false);
        return new RedisLinks(c, c.async(), null, false);
    }

    /**
     * A command connection for publishing on a Redis Cluster. Its commands flush by themselves:
     * Lettuce opens a shard's connection lazily, and a command queued on one that is still opening
     * would miss an explicit flush, so on a cluster {@link PublishBatcher}'s flush sends nothing more.
     */
    static RedisLinks batched(RedisClusterClient client) {
        StatefulRedisClusterConnection<String, String> c = client.connect();
        return new RedisLinks(c, c.async(), null, true);
    }

    /** Links over a connection the caller owns, without pub/sub. */
    static RedisLinks over(RedisClusterAsyncCommands<String, String> commands) {
        Objects.requireNonNull(commands, "commands");
        return new RedisLinks(null, commands, null, commands instanceof RedisAdvancedClusterAsyncCommands);
    }

    /** {@code PUBLISH}, or {@code SPUBLISH} on a cluster; completes with the number of receivers. */
    CompletionStage<Long> publish(String channel, String message) {
        return sharded ? commands.spublish(channel, message) : commands.publish(channel, message);
    }

    /** The publish command a script must call: {@code PUBLISH}, or {@code SPUBLISH} on a cluster. */
    String publishCommand() {
        return sharded ? "SPUBLISH" : "PUBLISH";
    }

    /**
     * {@code SUBSCRIBE}, or {@code SSUBSCRIBE} on a cluster. Lettuce subscribes again after a
     * reconnect; on a cluster only on the node it subscribed on, not on a replica promoted in its place.
     */
    CompletionStage<Void> subscribe(String channel) {
        return sharded ? pubsub.async().ssubscribe(channel) : pubsub.async().subscribe(channel);
    }

    /** {@code UNSUBSCRIBE}, or {@code SUNSUBSCRIBE} on a cluster. */
    CompletionStage<Void> unsubscribe(String channel) {
        return sharded ? pubsub.async().sunsubscribe(channel) : pubsub.async().unsubscribe(channel);
    }

    /** Calls {@code handler(channel, message)} for every message received, on a Lettuce thread. */
    void onMessage(BiConsumer<String, String> handler) {
        pubsub.addListener(new RedisPubSubAdapter<>() {
            @Override
            public void message(String channel, String message) {
                handler.accept(channel, message);
            }

            @Override
            public void smessage(String channel, String message) {
                handler.accept(channel, message);
            }
        });
    }

    /**
     * Calls {@code handler(channel, true)} when Redis confirms a subscribe and {@code (channel, false)}
     * when it confirms an unsubscribe, on a Lettuce thread, in the order Redis sent them.
     */
    void onConfirmation(BiConsumer<String, Boolean> handler) {
        pubsub.addListener(new RedisPubSubAdapter<>() {
            @Override
            public void subscribed(String channel, long count) {
                handler.accept(channel, true);
            }

            @Override
            public void ssubscribed(String channel, long count) {
                handler.accept(channel, true);
            }

            @Override
            public void unsubscribed(String channel, long count) {
                handler.accept(channel, false);
            }

            @Override
            public void sunsubscribed(String channel, long count) {
                handler.accept(channel, false);
            }
        });
    }

    /** Closes the connections these links opened (none for {@link #over}). */
    CompletableFuture<Void> closeAsync() {
        CompletableFuture<Void> c = connection == null ? CompletableFuture.completedFuture(null) : connection.closeAsync();
        return pubsub == null ? c : CompletableFuture.allOf(pubsub.closeAsync(), c);
    }
}

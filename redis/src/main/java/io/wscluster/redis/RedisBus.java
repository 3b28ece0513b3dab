package io.wscluster.redis;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.wscluster.bus.Bus;
import io.wscluster.bus.BusListener;
import io.wscluster.history.HistoryStore;
import io.wscluster.protocol.Message;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cluster bus on Redis.
 *
 * <p>A room publish is one Lua call that assigns the room's next offset, appends the message to
 * the room's stream and publishes it, so offsets are totally ordered per room whichever node
 * publishes, and a message is never delivered without being stored. Its future completes when
 * Redis answered; a Redis that is down or slow fails it (commands are rejected while disconnected,
 * and time out), so the caller answers {@code unavailable} instead of acknowledging a dropped
 * message.
 *
 * <p>This node subscribes only to the channels of rooms and users it has local connections for,
 * plus the broadcast channel; Lettuce re-subscribes them by itself after a reconnect. Messages of
 * one channel arrive on one connection, in publish order.
 */
public final class RedisBus implements Bus {
    private static final Logger log = LoggerFactory.getLogger(RedisBus.class);

    private final RedisClient client;
    private final RedisKeys keys;
    private final int historySize;
    private final String ttlSeconds;
    private final StatefulRedisConnection<String, String> connection;
    private final StatefulRedisPubSubConnection<String, String> pubsub;
    private final RedisAsyncCommands<String, String> redis;
    private final RedisHistoryStore history;
    private volatile BusListener listener;

    /**
     * Connects to Redis; throws {@link io.lettuce.core.RedisConnectionException} when it cannot be
     * reached.
     *
     * @param historySize messages kept per room (0: none)
     * @param historyTtl  how long an idle room's history and position are kept
     */
    public RedisBus(RedisClient client, String namespace, int historySize, Duration historyTtl) {
        this.client = Objects.requireNonNull(client, "client");
        this.keys = new RedisKeys(namespace);
        this.historySize = historySize;
        this.ttlSeconds = String.valueOf(Math.max(1, historyTtl.toSeconds()));
        client.setOptions(clientOptions());
        this.connection = client.connect();
        this.pubsub = client.connectPubSub();
        this.redis = connection.async();
        this.history = new RedisHistoryStore(redis, keys, historyTtl);
    }

    /** Fail fast while disconnected, time out a stuck command, reconnect by itself. */
    static ClientOptions clientOptions() {
        return ClientOptions.builder()
                .autoReconnect(true)
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .timeoutOptions(TimeoutOptions.enabled(Duration.ofSeconds(2)))
                .build();
    }

    @Override
    public void start(BusListener l) {
        this.listener = Objects.requireNonNull(l, "listener");
        pubsub.addListener(new RedisPubSubAdapter<>() {
            @Override
            public void message(String channel, String message) {
                dispatch(channel, message);
            }
        });
        pubsub.async().subscribe(keys.broadcastChannel()).toCompletableFuture().join();
    }

    private void dispatch(String channel, String payload) {
        try {
            if (keys.roomOfChannel(channel) != null) {
                listener.onRoomMessage(MessageCodec.decodePlaced(payload));
            } else if (keys.userOfChannel(channel) != null) {
                listener.onUserMessage(MessageCodec.decode(payload, null, 0));
            } else if (channel.equals(keys.broadcastChannel())) {
                listener.onBroadcast(MessageCodec.decode(payload, null, 0));
            }
        } catch (RuntimeException e) {
            log.warn("dropped an unreadable message on {}: {}", channel, e.toString());
        }
    }

    @Override
    public CompletionStage<Message> publish(Message m) {
        String room = m.room();
        String[] k = {keys.roomMeta(room), keys.roomHistory(room), keys.roomChannel(room)};
        return Scripts.PUBLISH.run(redis, k, MessageCodec.encode(m), String.valueOf(historySize), ttlSeconds,
                RedisHistoryStore.newEpoch(), "PUBLISH").thenApply(out -> placed(m, out));
    }

    private static Message placed(Message m, List<Object> out) {
        return m.at(String.valueOf(out.get(0)), Long.parseLong(String.valueOf(out.get(1))));
    }

    @Override
    public CompletionStage<Void> send(Message m) {
        return redis.publish(keys.userChannel(m.user()), MessageCodec.encode(m)).thenApply(n -> null);
    }

    @Override
    public CompletionStage<Void> broadcast(Message m) {
        return redis.publish(keys.broadcastChannel(), MessageCodec.encode(m)).thenApply(n -> null);
    }

    @Override
    public CompletionStage<Void> subscribeRoom(String room) {
        return pubsub.async().subscribe(keys.roomChannel(room)).thenApply(v -> null);
    }

    @Override
    public CompletionStage<Void> unsubscribeRoom(String room) {
        return pubsub.async().unsubscribe(keys.roomChannel(room)).thenApply(v -> null);
    }

    @Override
    public CompletionStage<Void> subscribeUser(String user) {
        return pubsub.async().subscribe(keys.userChannel(user)).thenApply(v -> null);
    }

    @Override
    public CompletionStage<Void> unsubscribeUser(String user) {
        return pubsub.async().unsubscribe(keys.userChannel(user)).thenApply(v -> null);
    }

    @Override
    public HistoryStore history() {
        return history;
    }

    @Override
    public void close() {
        pubsub.close();
        connection.close();
    }
}

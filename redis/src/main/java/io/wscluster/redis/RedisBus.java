package io.wscluster.redis;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.protocol.ProtocolVersion;
import io.wscluster.bus.Bus;
import io.wscluster.bus.BusListener;
import io.wscluster.history.HistoryLimits;
import io.wscluster.history.HistoryStore;
import io.wscluster.codec.Message;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cluster bus on Redis.
 *
 * <p>A room publish is placed by a Lua call that assigns the room's next offset, appends the message to
 * the room's stream and publishes it, so offsets are totally ordered per room whichever node
 * publishes, and a message is never delivered without being stored; the publishes of one batch
 * share one call ({@link RoomPublishes}). Its future completes when
 * Redis answered; a Redis that is down or slow fails it (commands are rejected while disconnected,
 * and time out), and the failure says what is known ({@link PublishOutcome}): {@code unavailable}
 * when nothing was stored, {@code outcome_unknown} when the command left without an answer. With an
 * idempotency key, the same script first looks the key up and answers its recorded placement.
 *
 * <p>This node subscribes only to the channels of rooms and users it has local connections for,
 * plus the broadcast channel; Lettuce re-subscribes them by itself after a reconnect. An unsubscribe
 * is never lost to a timeout, an outage or that resubscribe ({@link ChannelSubscriptions}). Messages
 * of one channel arrive on one connection, in publish order.
 *
 * <p>On a Redis Cluster ({@link #RedisBus(RedisClusterClient, HistoryOptions, BusOptions)}) the same
 * happens shard by shard: a room's keys and channel share the room's slot (its name is a hash tag),
 * so its publish script runs on the room's master and publishes with {@code SPUBLISH}; user
 * messages and broadcasts use {@code SPUBLISH} on their own channels (the broadcast channel lives
 * in one slot, which every node subscribes to); subscriptions use {@code SSUBSCRIBE}, which
 * Lettuce sends to the master of the channel's slot. Rooms spread over the shards, so adding
 * shards adds capacity. When a shard's master fails over, Lettuce does not subscribe its channels
 * on the promoted replica: this bus does, once Lettuce sees the new topology ({@link
 * ShardMasterChanges}), and each room's confirmation makes the node read what it missed.
 */
public final class RedisBus implements Bus {
    private static final Logger log = LoggerFactory.getLogger(RedisBus.class);
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(2);
    /** How long an acknowledgement waits for the replicas ({@link BusOptions#ackReplicas()}). */
    static final Duration REPLICA_WAIT = Duration.ofSeconds(1);

    private final RedisKeys keys;
    private final HistoryLimits limits;
    private final TtlRefreshes ttls;
    private final RedisLinks links;
    /** The room, user and broadcast channels this node is subscribed to on {@link #links}. */
    private final ChannelSubscriptions channels;
    /** Publishes, sends and broadcasts, batched by {@link #batcher}. */
    private final RedisLinks publisher;
    private final PublishBatcher batcher;
    /** Room publishes waiting for the batcher's next flush, placed by one script call ({@link RoomPublishes}). */
    private final RoomPublishes publishes;
    private final RedisHistoryStore history;
    private final int ackReplicas;
    private final ReplicaWaits replicaWaits;
    /** When the pub/sub connection was last lost (epoch ms), for what the direct channels may have missed. */
    private volatile long interruptedAtMillis;
    /** Set by {@link #close}: the connections it closes are not lost, and say nothing. */
    private volatile boolean closing;
    /** What tears down a connection gone silent, one per connection; none on a Redis Cluster. */
    private final java.util.List<LinkWatch> watches = new java.util.ArrayList<>();
    private final java.util.concurrent.ScheduledExecutorService timer;
    /** Stops following the cluster's topology ({@link #mastersChanged}); nothing on a standalone Redis. */
    private Runnable stopFollowingMasters = () -> { };
    private volatile BusListener listener;

    /**
     * Connects to a standalone Redis; throws {@link io.lettuce.core.RedisConnectionException}
     * when it cannot be reached. Sets {@link #clientOptions()} on the client. Keys live under
     * {@code bus.cluster()}.
     */
    public RedisBus(RedisClient client, HistoryLimits history, BusOptions bus) {
        this(open(client), RedisLinks.batched(client), client.getResources().eventExecutorGroup(), history, bus);
    }

    /**
     * Connects to a Redis Cluster (Redis 7 or later, for sharded pub/sub); throws a
     * {@link io.lettuce.core.RedisException} when none of its seed nodes can be reached. Sets
     * {@link #clusterClientOptions()} on the client. Keys live under {@code bus.cluster()}.
     */
    public RedisBus(RedisClusterClient client, HistoryLimits history, BusOptions bus) {
        this(open(client), RedisLinks.batched(client), client.getResources().eventExecutorGroup(), history, bus);
        this.stopFollowingMasters = ShardMasterChanges.watch(client, this::mastersChanged);
    }

    private RedisBus(RedisLinks links, RedisLinks publisher, java.util.concurrent.ScheduledExecutorService timer,
                     HistoryLimits history, BusOptions bus) {
        this.links = links;
        this.timer = timer;
        this.channels = new ChannelSubscriptions(links, timer, this::resubscribed);
        this.publisher = publisher;
        this.batcher = new PublishBatcher(this::flushPublisher, timer, bus.batchSize(), bus.batchDelay(), bus.maxInFlight());
        this.publishes = new RoomPublishes(publisher, batcher::flushNow, IDEMPOTENCY_WINDOW.toSeconds());
        this.keys = new RedisKeys(bus.cluster());
        this.limits = history;
        this.ttls = new TtlRefreshes(history);
        this.history = new RedisHistoryStore(links.commands(), keys, history);
        this.ackReplicas = bus.ackReplicas();
        this.replicaWaits = new ReplicaWaits(() -> {
            CompletionStage<Long> waited = publisher.commands().waitForReplication(ackReplicas, REPLICA_WAIT.toMillis());
            batcher.flushNow();
            return waited;
        });
        if (ackReplicas > 0 && links.sharded()) {
            throw new IllegalArgumentException("ack-replicas: not supported on a Redis Cluster yet (WAIT must reach each room's master)");
        }
    }

    /** Sends what the batcher held back: the room publishes' script call, then everything else queued. */
    private void flushPublisher() {
        publishes.queue();
        publisher.connection().flushCommands();
    }

    private static RedisLinks open(RedisClient client) {
        Objects.requireNonNull(client, "client").setOptions(clientOptions());
        return RedisLinks.open(client);
    }

    private static RedisLinks open(RedisClusterClient client) {
        Objects.requireNonNull(client, "client").setOptions(clusterClientOptions());
        return RedisLinks.open(client);
    }

    /**
     * Fail fast while disconnected, time out a stuck command, reconnect by itself; speak RESP2.
     * Why not RESP3, Lettuce's default: under RESP3 pub/sub messages arrive as push frames, which
     * Lettuce decodes by copying each element into a heap buffer before decoding the message again;
     * at 4,000 messages/s that was a fifth of a node's allocations (JFR). Nothing here needs RESP3.
     */
    static ClientOptions clientOptions() {
        return ClientOptions.builder()
                .protocolVersion(ProtocolVersion.RESP2)
                .autoReconnect(true)
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .timeoutOptions(TimeoutOptions.enabled(COMMAND_TIMEOUT))
                .build();
    }

    /**
     * {@link #clientOptions()} (RESP2 too), and a topology that follows the cluster: refreshed every 30 s, and
     * at once on a redirection ({@code MOVED}, {@code ASK}), a failed reconnect or an unknown node
     * (a failover, resharding, a shard added).
     */
    static ClusterClientOptions clusterClientOptions() {
        return ClusterClientOptions.builder()
                .protocolVersion(ProtocolVersion.RESP2)
                .autoReconnect(true)
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .timeoutOptions(TimeoutOptions.enabled(COMMAND_TIMEOUT))
                .topologyRefreshOptions(ClusterTopologyRefreshOptions.builder()
                        .enablePeriodicRefresh(Duration.ofSeconds(30))
                        .enableAllAdaptiveRefreshTriggers()
                        .build())
                .build();
    }

    @Override
    public void start(BusListener l) {
        this.listener = Objects.requireNonNull(l, "listener");
        links.onMessage(this::dispatch);
        if (links.pubsub() instanceof io.lettuce.core.RedisChannelHandler<?, ?> handler) {
            // Lettuce reconnects and subscribes again by itself, but what was published meanwhile never arrives here.
            handler.addListener(new io.lettuce.core.RedisConnectionStateListener() {
                @Override
                public void onRedisDisconnected(io.lettuce.core.RedisChannelHandler<?, ?> connection) {
                    if (closing) {
                        return;
                    }
                    log.warn("lost the pub/sub connection to Redis: messages published until it is back are not delivered here");
                    interruptedAtMillis = System.currentTimeMillis();
                    l.onDeliveryInterrupted();
                }
            });
        }
        channels.subscribe(keys.broadcastChannel()).toCompletableFuture().join();
        if (!links.sharded()) {
            watches.add(LinkWatch.watchPubSub("the bus's pub/sub connection", links.pubsub(), timer));
            watches.add(LinkWatch.watchCommands("the bus's command connection", links, timer));
            watches.add(new LinkWatch("the bus's publishing connection", publisher.connection(), () -> {
                CompletionStage<String> pong = publisher.commands().ping();
                publisher.connection().flushCommands(); // it waits for explicit flushes
                return pong;
            }, timer, LinkWatch.PERIOD));
        }
    }

    /**
     * Another master serves {@code slots} (a failover): their channels' subscriptions went with the
     * old one, and are made again on the new one, whose confirmations make the listener read what
     * this node missed meanwhile ({@link #resubscribed}).
     */
    private void mastersChanged(java.util.BitSet slots) {
        interruptedAtMillis = System.currentTimeMillis();
        channels.resubscribe(channel -> slots.get(io.lettuce.core.cluster.SlotHash.getSlot(channel)));
    }

    /**
     * Lettuce subscribed a channel again after a reconnect: for a room the listener reads what it
     * missed from history; for a user's channel or the broadcast one it tells the connections
     * concerned that what was sent meanwhile may be lost.
     */
    private void resubscribed(String channel) {
        BusListener l = listener;
        if (l == null) {
            return;
        }
        String room = keys.roomOfChannel(channel);
        if (room != null) {
            l.onRoomResubscribed(room);
            return;
        }
        long since = interruptedAtMillis != 0 ? interruptedAtMillis : System.currentTimeMillis();
        String user = keys.userOfChannel(channel);
        if (channel.equals(keys.broadcastChannel())) {
            l.onDirectResubscribed(null, since);
        } else if (user != null) {
            l.onDirectResubscribed(user, since);
        }
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
    public CompletionStage<Message> publish(Message m, String idempotencyKey) {
        String room = m.room();
        String[] k = idempotencyKey == null ? new String[] {keys.roomMeta(room), keys.roomHistory(room), keys.roomChannel(room)}
                : new String[] {keys.roomMeta(room), keys.roomHistory(room), keys.roomChannel(room),
                        keys.roomIdempotency(room, idempotencyKey)};
        String json = MessageCodec.encode(m);
        String refresh = ttls.due(room) ? "1" : "0";
        CompletionStage<List<Object>> placing = batcher.submit(m.priority(), () -> publishes.add(k, json,
                String.valueOf(limits.size(room)), ttls.seconds(room), RedisHistoryStore.newEpoch(),
                String.valueOf(limits.maxBytes(room)), refresh, idempotencyKey == null ? "0" : "1"));
        if (ackReplicas > 0) {
            placing = placing.thenCompose(this::replicated);
        }
        return PublishOutcome.of(placing).thenApply(out -> placed(m, out));
    }

    /**
     * Waits until {@code ackReplicas} replicas have everything this connection wrote up to the
     * placement just answered ({@link ReplicaWaits}: one {@code WAIT} for all placements answered
     * meanwhile); fails as an unknown outcome when fewer confirm within {@link #REPLICA_WAIT}: the
     * message is stored on the master, but a failover may still lose it.
     */
    private CompletionStage<List<Object>> replicated(List<Object> placed) {
        if (placed.size() > 2) {
            return java.util.concurrent.CompletableFuture.completedFuture(placed); // a repeated key: its first publish waited
        }
        return replicaWaits.after().thenApply(n -> {
            if (n < ackReplicas) {
                throw new io.wscluster.protocol.ProtocolException(io.wscluster.protocol.ErrorCode.OUTCOME_UNKNOWN, "stored on the Redis master"
                        + " but only " + n + " of " + ackReplicas + " replicas confirmed it within " + REPLICA_WAIT.toMillis()
                        + " ms: a failover may still lose it; publish again with the same idempotency_key to find out");
            }
            return placed;
        });
    }

    private static Message placed(Message m, List<Object> out) {
        return m.at(String.valueOf(out.get(0)), Long.parseLong(String.valueOf(out.get(1))));
    }

    @Override
    public CompletionStage<Void> send(Message m) {
        String json = MessageCodec.encode(m);
        return batcher.submit(m.priority(), () -> publishes.thenRun(() -> publisher.publish(keys.userChannel(m.user()), json)))
                .thenApply(n -> null);
    }

    @Override
    public CompletionStage<Void> broadcast(Message m) {
        String json = MessageCodec.encode(m);
        return batcher.submit(m.priority(), () -> publishes.thenRun(() -> publisher.publish(keys.broadcastChannel(), json)))
                .thenApply(n -> null);
    }

    @Override
    public CompletionStage<Void> subscribeRoom(String room) {
        return channels.subscribe(keys.roomChannel(room));
    }

    @Override
    public CompletionStage<Void> unsubscribeRoom(String room) {
        return channels.unsubscribe(keys.roomChannel(room));
    }

    @Override
    public CompletionStage<Void> subscribeUser(String user) {
        return channels.subscribe(keys.userChannel(user));
    }

    @Override
    public CompletionStage<Void> unsubscribeUser(String user) {
        return channels.unsubscribe(keys.userChannel(user));
    }

    @Override
    public HistoryStore history() {
        return history;
    }

    @Override
    public void close() {
        closing = true;
        watches.forEach(LinkWatch::stop);
        stopFollowingMasters.run();
        channels.close();
        links.pubsub().close();
        links.connection().close();
        publisher.connection().close();
    }

    @Override
    public long droppedLowPriority() {
        return batcher.droppedLow();
    }
}

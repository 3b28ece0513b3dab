package io.wscluster.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.lettuce.core.RedisClient;
import io.wscluster.bus.BusListener;
import io.wscluster.history.HistoryLimits;
import io.wscluster.history.HistoryOptions;
import io.wscluster.history.HistoryRead;
import io.wscluster.codec.Message;
import io.wscluster.codec.Payload;
import io.wscluster.protocol.Priority;
import io.wscluster.protocol.StreamPosition;
import io.wscluster.testkit.SharedRedis;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Two buses on one real redis-server, as two nodes. */
class RedisBusIT {
    @RegisterExtension
    static final SharedRedis redis = new SharedRedis();

    private final String ns = SharedRedis.namespace();
    private RedisClient client;
    private RedisBus a;
    private RedisBus b;
    private final Recorder onA = new Recorder();
    private final Recorder onB = new Recorder();

    static final class Recorder implements BusListener {
        final List<Message> rooms = new CopyOnWriteArrayList<>();
        final List<Message> users = new CopyOnWriteArrayList<>();
        final List<Message> all = new CopyOnWriteArrayList<>();
        final java.util.concurrent.atomic.AtomicInteger interruptions = new java.util.concurrent.atomic.AtomicInteger();

        @Override public void onRoomMessage(Message m) { rooms.add(m); }
        @Override public void onDeliveryInterrupted() { interruptions.incrementAndGet(); }
        @Override public void onUserMessage(Message m) { users.add(m); }
        @Override public void onBroadcast(Message m) { all.add(m); }
    }

    @BeforeEach
    void start() throws Exception {
        client = RedisClient.create(redis.url());
        a = new RedisBus(client, HistoryOptions.builder().size(50).build().limits(), BusOptions.builder().cluster(ns).build());
        b = new RedisBus(client, HistoryOptions.builder().size(50).build().limits(), BusOptions.builder().cluster(ns).build());
        a.start(onA);
        b.start(onB);
    }

    @AfterEach
    void stop() {
        a.close();
        b.close();
        client.shutdown();
    }

    private static Message room(String room, int n) {
        return Message.toRoom(room, Payload.of(JsonNodeFactory.instance.numberNode(n)), "u", Priority.NORMAL);
    }

    @Test
    void aRoomMessageReachesOnlyNodesSubscribedToItWithItsOffset() throws Exception {
        b.subscribeRoom("r").toCompletableFuture().get(5, TimeUnit.SECONDS);
        Message placed = a.publish(room("r", 1)).toCompletableFuture().get(5, TimeUnit.SECONDS);
        assertThat(placed.offset()).isEqualTo(1);
        await().atMost(Duration.ofSeconds(5)).until(() -> onB.rooms.size() == 1);
        Message got = onB.rooms.get(0);
        assertThat(got.offset()).isEqualTo(1);
        assertThat(got.epoch()).isEqualTo(placed.epoch());
        assertThat(got.data().tree().asInt()).isEqualTo(1);
        assertThat(got.from()).isEqualTo("u");
        assertThat(onA.rooms).isEmpty();
    }

    @Test
    void eachRoomKeepsTheHistoryItsLimitsSay() throws Exception {
        HistoryLimits limits = new HistoryLimits() {
            @Override public int size(String room) { return room.startsWith("short:") ? 2 : 50; }
            @Override public Duration ttl(String room) { return Duration.ofMinutes(5); }
            @Override public int maxBytes(String room) { return 0; }
        };
        RedisBus bus = new RedisBus(client, limits, BusOptions.builder().cluster(SharedRedis.namespace()).build());
        try {
            for (int i = 1; i <= 5; i++) {
                bus.publish(room("short:x", i)).toCompletableFuture().get(5, TimeUnit.SECONDS);
                bus.publish(room("long", i)).toCompletableFuture().get(5, TimeUnit.SECONDS);
            }
            assertThat(bus.history().read("short:x", null, 0).toCompletableFuture().get(5, TimeUnit.SECONDS).messages())
                    .extracting(m -> m.data().tree().asInt()).containsExactly(4, 5);
            assertThat(bus.history().read("long", null, 0).toCompletableFuture().get(5, TimeUnit.SECONDS).messages()).hasSize(5);
        } finally {
            bus.close();
        }
    }

    @Test
    void aRoomsKeysGetItsTtlAndAQuarterMoreOncePerQuarterOfIt() throws Exception {
        HistoryLimits limits = new HistoryLimits() {
            @Override public int size(String room) { return 50; }
            @Override public Duration ttl(String room) { return Duration.ofSeconds(8); }
            @Override public int maxBytes(String room) { return 0; }
        };
        String space = SharedRedis.namespace();
        RedisBus bus = new RedisBus(client, limits, BusOptions.builder().cluster(space).build());
        RedisKeys keys = new RedisKeys(space);
        var connection = client.connect();
        var raw = connection.sync();
        try {
            bus.publish(room("t", 1)).toCompletableFuture().get(5, TimeUnit.SECONDS);
            long first = raw.pttl(keys.roomHistory("t"));
            assertThat(first).as("the TTL and a quarter more").isBetween(8_001L, 10_000L);
            assertThat(raw.pttl(keys.roomMeta("t"))).isBetween(8_001L, 10_000L);

            Thread.sleep(50);
            bus.publish(room("t", 2)).toCompletableFuture().get(5, TimeUnit.SECONDS);
            long second = raw.pttl(keys.roomHistory("t"));
            assertThat(second).as("not refreshed within a quarter of the TTL").isLessThan(first);

            Thread.sleep(2_100); // past a quarter of the TTL
            bus.publish(room("t", 3)).toCompletableFuture().get(5, TimeUnit.SECONDS);
            assertThat(raw.pttl(keys.roomHistory("t"))).as("refreshed after a quarter of the TTL").isGreaterThan(second);
            assertThat(raw.pttl(keys.roomMeta("t"))).isGreaterThan(second);
        } finally {
            connection.close();
            bus.close();
        }
    }

    @Test
    void aRoomsHistoryKeepsAtMostItsBytesAndAlwaysItsNewestMessage() throws Exception {
        int oneMessage = MessageCodec.encode(room("capped", 1000)).length(); // as stored: each value below has four digits
        HistoryLimits limits = HistoryLimits.uniform(50, Duration.ofMinutes(5), 3 * oneMessage);
        RedisBus bus = new RedisBus(client, limits, BusOptions.builder().cluster(ns).build());
        try {
            for (int i = 1001; i <= 1005; i++) {
                bus.publish(room("capped", i)).toCompletableFuture().get(5, TimeUnit.SECONDS);
            }
            assertThat(bus.history().read("capped", null, 0).toCompletableFuture().get(5, TimeUnit.SECONDS).messages())
                    .extracting(m -> m.data().tree().asInt()).containsExactly(1003, 1004, 1005);

            Message big = Message.toRoom("capped", Payload.of(JsonNodeFactory.instance.textNode("x".repeat(10 * oneMessage))), "u", Priority.NORMAL);
            bus.publish(big).toCompletableFuture().get(5, TimeUnit.SECONDS);
            assertThat(bus.history().read("capped", null, 0).toCompletableFuture().get(5, TimeUnit.SECONDS).messages())
                    .extracting(Message::data).containsExactly(big.data());

            for (int i = 1001; i <= 1005; i++) { // a node without the cap writes to the room meanwhile
                a.publish(room("capped", i)).toCompletableFuture().get(5, TimeUnit.SECONDS);
            }
            bus.publish(room("capped", 1006)).toCompletableFuture().get(5, TimeUnit.SECONDS);
            assertThat(bus.history().read("capped", null, 0).toCompletableFuture().get(5, TimeUnit.SECONDS).messages())
                    .extracting(m -> m.data().tree().asInt()).containsExactly(1004, 1005, 1006);
        } finally {
            bus.close();
        }
    }

    @Test
    void aBatchIsPlacedByOneCallEachMessageAsIfAloneAndInTheOrderAsked() throws Exception {
        List<String> seen = new CopyOnWriteArrayList<>();
        RedisBus listening = new RedisBus(client, HistoryOptions.builder().size(50).build().limits(), BusOptions.builder().cluster(ns).build());
        // A second's delay between flushes: far more than the test needs to ask for them all.
        RedisBus bus = new RedisBus(client, HistoryOptions.builder().size(50).build().limits(),
                BusOptions.builder().cluster(ns).batchSize(1000).batchDelay(Duration.ofSeconds(1)).build());
        try (var raw = client.connect()) {
            listening.start(new BusListener() {
                @Override public void onRoomMessage(Message m) { seen.add(m.room() + ":" + m.data().tree().asInt()); }
                @Override public void onUserMessage(Message m) { seen.add("user:" + m.data().tree().asInt()); }
                @Override public void onBroadcast(Message m) { }
            });
            for (String r : List.of("one", "two", "broken")) {
                listening.subscribeRoom(r).toCompletableFuture().get(5, TimeUnit.SECONDS);
            }
            listening.subscribeUser("alice").toCompletableFuture().get(5, TimeUnit.SECONDS);
            raw.sync().set(new RedisKeys(ns).roomMeta("broken"), "not a hash"); // its script step fails: WRONGTYPE
            listening.publish(room("warm", 0)).toCompletableFuture().get(5, TimeUnit.SECONDS); // Redis has the script
            long callsBefore = scriptCalls(raw.sync());

            // After a quiet spell the first command goes at once; what follows within the second waits for one flush.
            bus.broadcast(Message.toAll(Payload.of(JsonNodeFactory.instance.numberNode(0)), "u", Priority.NORMAL));
            var first = bus.publish(room("one", 1));
            var broken = bus.publish(room("broken", 1));
            var keyed = bus.publish(room("two", 1), "k");
            var sent = bus.send(Message.toUser("alice", Payload.of(JsonNodeFactory.instance.numberNode(1)), "u", Priority.NORMAL));
            var second = bus.publish(room("one", 2));
            var repeated = bus.publish(room("two", 2), "k"); // the same key in the same batch: placed once
            assertThat(first.toCompletableFuture().isDone()).as("held for the batch").isFalse();

            assertThat(first.toCompletableFuture().get(5, TimeUnit.SECONDS).offset()).isEqualTo(1);
            assertThat(second.toCompletableFuture().get(5, TimeUnit.SECONDS).offset()).isEqualTo(2);
            Message placed = keyed.toCompletableFuture().get(5, TimeUnit.SECONDS);
            assertThat(repeated.toCompletableFuture().get(5, TimeUnit.SECONDS).offset()).isEqualTo(placed.offset()).isEqualTo(1);
            sent.toCompletableFuture().get(5, TimeUnit.SECONDS);
            assertThatThrownBy(() -> broken.toCompletableFuture().get(5, TimeUnit.SECONDS))
                    .hasCauseInstanceOf(io.wscluster.protocol.ProtocolException.class).hasMessageContaining("WRONGTYPE")
                    .hasMessageContaining("nothing was stored");
            // One call for the five room publishes before and after the send (which split them), none per message.
            assertThat(scriptCalls(raw.sync()) - callsBefore).isEqualTo(2);
            await().atMost(Duration.ofSeconds(5)).until(() -> seen.size() == 4);
            assertThat(seen).containsExactly("one:1", "two:1", "user:1", "one:2");
        } finally {
            bus.close();
            listening.close();
        }
    }

    /** Script calls Redis ran so far: by SHA, or by text when it had forgotten the script (a NOSCRIPT call failed). */
    private static long scriptCalls(io.lettuce.core.api.sync.RedisCommands<String, String> redis) {
        long calls = 0;
        for (String line : redis.info("commandstats").split("\r?\n")) {
            if (line.startsWith("cmdstat_evalsha:") || line.startsWith("cmdstat_eval:")) {
                calls += statistic(line, "calls") - statistic(line, "failed_calls");
            }
        }
        return calls;
    }

    private static long statistic(String line, String name) {
        for (String field : line.substring(line.indexOf(':') + 1).split(",")) {
            if (field.startsWith(name + "=")) {
                return Long.parseLong(field.substring(name.length() + 1));
            }
        }
        return 0;
    }

    @Test
    void offsetsAreTotallyOrderedWithConcurrentPublishersOnBothNodes() throws Exception {
        b.subscribeRoom("r").toCompletableFuture().get(5, TimeUnit.SECONDS);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        List<java.util.concurrent.Future<?>> futures = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            RedisBus bus = t % 2 == 0 ? a : b;
            futures.add(pool.submit(() -> {
                for (int i = 0; i < 250; i++) {
                    bus.publish(room("r", i)).toCompletableFuture().join();
                }
            }));
        }
        for (var f : futures) {
            f.get(30, TimeUnit.SECONDS);
        }
        pool.shutdown();
        await().atMost(Duration.ofSeconds(10)).until(() -> onB.rooms.size() == 1000);
        for (int i = 0; i < 1000; i++) {
            assertThat(onB.rooms.get(i).offset()).isEqualTo(i + 1);
        }
    }

    @Test
    void historyRecoversExactlyWhatFollowsSince() throws Exception {
        String epoch = null;
        for (int i = 1; i <= 10; i++) {
            epoch = a.publish(room("h", i)).toCompletableFuture().get().epoch();
        }
        HistoryRead r = b.history().read("h", new StreamPosition(epoch, 3), 0).toCompletableFuture().get();
        assertThat(r.recovered()).isTrue();
        assertThat(r.messages()).extracting(Message::offset).containsExactly(4L, 5L, 6L, 7L, 8L, 9L, 10L);
        assertThat(r.latest()).isEqualTo(new StreamPosition(epoch, 10));
        assertThat(b.history().read("h", new StreamPosition("other", 3), 0).toCompletableFuture().get().recovered()).isFalse();
        assertThat(b.history().read("h", null, 3).toCompletableFuture().get().messages()).extracting(Message::offset)
                .containsExactly(8L, 9L, 10L);
        StreamPosition fresh = b.history().position("never").toCompletableFuture().get();
        assertThat(fresh.offset()).isZero();
        assertThat(a.history().position("never").toCompletableFuture().get()).isEqualTo(fresh);
    }

    @Test
    void historyIsBoundedAndAGapBeyondItIsNotRecovered() throws Exception {
        String epoch = null;
        for (int i = 1; i <= 80; i++) {
            epoch = a.publish(room("big", i)).toCompletableFuture().get().epoch();
        }
        HistoryRead r = a.history().read("big", new StreamPosition(epoch, 5), 0).toCompletableFuture().get();
        assertThat(r.recovered()).isFalse();
        assertThat(r.messages()).hasSize(50);
        assertThat(a.history().read("big", new StreamPosition(epoch, 40), 0).toCompletableFuture().get().recovered()).isTrue();
    }

    @Test
    void usersAndBroadcastsCrossNodes() throws Exception {
        b.subscribeUser("alice").toCompletableFuture().get(5, TimeUnit.SECONDS);
        a.send(Message.toUser("alice", Payload.of(JsonNodeFactory.instance.textNode("hi")), "bob", Priority.HIGH)).toCompletableFuture().get();
        a.broadcast(Message.toAll(Payload.of(JsonNodeFactory.instance.textNode("all")), null, Priority.NORMAL)).toCompletableFuture().get();
        await().atMost(Duration.ofSeconds(5)).until(() -> onB.users.size() == 1 && onB.all.size() == 1 && onA.all.size() == 1);
        assertThat(onB.users.get(0).user()).isEqualTo("alice");
        assertThat(onB.users.get(0).from()).isEqualTo("bob");
        assertThat(onA.users).isEmpty();
    }

    @Test
    void aLostPubSubConnectionIsReportedAsAnInterruptionAndDeliveryResumes() throws Exception {
        b.subscribeRoom("r").toCompletableFuture().get(5, TimeUnit.SECONDS);
        assertThat(onB.interruptions.get()).isZero();
        try (var admin = client.connect()) {
            admin.sync().clientKill(io.lettuce.core.KillArgs.Builder.typePubsub()); // every pub/sub connection drops
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> onB.interruptions.get() > 0);
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> { // Lettuce reconnects and subscribes again
            a.publish(room("r", 7)).toCompletableFuture().get(5, TimeUnit.SECONDS);
            assertThat(onB.rooms).isNotEmpty();
        });
    }

    @Test
    void withRedisDownAPublishFailsAndAfterARestartANewEpochBegins() throws Exception {
        b.subscribeRoom("r").toCompletableFuture().get(5, TimeUnit.SECONDS);
        String before = a.publish(room("r", 1)).toCompletableFuture().get(5, TimeUnit.SECONDS).epoch();
        redis.server().kill();
        assertThatThrownBy(() -> a.publish(room("r", 2)).toCompletableFuture().get(10, TimeUnit.SECONDS))
                .isInstanceOf(java.util.concurrent.ExecutionException.class);
        redis.server().restart();
        // Lettuce reconnects and re-subscribes by itself; the restarted Redis forgot the script and the room.
        Message after = await().atMost(Duration.ofSeconds(20)).ignoreExceptions()
                .until(() -> a.publish(room("r", 3)).toCompletableFuture().get(5, TimeUnit.SECONDS), m -> m != null);
        assertThat(after.epoch()).isNotEqualTo(before);
        assertThat(after.offset()).isEqualTo(1);
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            a.publish(room("r", 4)).toCompletableFuture().get(5, TimeUnit.SECONDS);
            assertThat(onB.rooms).anyMatch(m -> m.epoch().equals(after.epoch()));
        });
    }
}

package io.wscluster.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.SlotHash;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import io.wscluster.history.HistoryOptions;
import io.wscluster.history.HistoryRead;
import io.wscluster.codec.Message;
import io.wscluster.codec.Payload;
import io.wscluster.protocol.Priority;
import io.wscluster.protocol.StreamPosition;
import io.wscluster.testkit.SharedRedis;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Two buses, as two nodes with a client each, on a real three-master Redis Cluster. */
class RedisClusterBusIT {
    private static final int ROOMS = 12;

    @RegisterExtension
    static final SharedRedis cluster = SharedRedis.cluster();

    private RedisClusterClient clientA;
    private RedisClusterClient clientB;
    private RedisBus a;
    private RedisBus b;
    private String ns;
    private final RedisBusIT.Recorder onA = new RedisBusIT.Recorder();
    private final RedisBusIT.Recorder onB = new RedisBusIT.Recorder();

    @BeforeEach
    void start() {
        ns = SharedRedis.namespace();
        clientA = RedisClusterClient.create(RedisUrls.clusterSeeds(cluster.url()));
        clientB = RedisClusterClient.create(RedisUrls.clusterSeeds(cluster.url()));
        a = new RedisBus(clientA, HistoryOptions.builder().size(50).build().limits(), BusOptions.builder().cluster(ns).build());
        b = new RedisBus(clientB, HistoryOptions.builder().size(50).build().limits(), BusOptions.builder().cluster(ns).build());
        a.start(onA);
        b.start(onB);
    }

    @AfterEach
    void stop() {
        a.close();
        b.close();
        clientA.shutdown();
        clientB.shutdown();
    }

    private static Message room(String room, int n) {
        return Message.toRoom(room, Payload.of(JsonNodeFactory.instance.numberNode(n)), "u", Priority.NORMAL);
    }

    private static <T> T await5(java.util.concurrent.CompletionStage<T> stage) throws Exception {
        return stage.toCompletableFuture().get(5, TimeUnit.SECONDS);
    }

    /** The master that owns a room's slot (its keys and channel share it). */
    private RedisClusterNode masterOf(String room) {
        return clientA.getPartitions().getMasterBySlot(SlotHash.getSlot(new RedisKeys(ns).roomChannel(room)));
    }

    @Test
    void roomsSpreadOverEveryShardAndEachKeepsItsOffsetsInOrder() throws Exception {
        List<String> rooms = new ArrayList<>();
        for (int i = 0; i < ROOMS; i++) {
            rooms.add("room-" + i);
        }
        Set<String> masters = new HashSet<>();
        rooms.forEach(r -> masters.add(masterOf(r).getNodeId()));
        assertThat(masters).as("masters used by the rooms").hasSize(3);
        for (String r : rooms) {
            await5(b.subscribeRoom(r));
        }
        // Both nodes publish to every room at once; each room's offsets are still one sequence.
        int perRoom = 40;
        List<CompletableFuture<Message>> acks = new ArrayList<>();
        for (int i = 0; i < perRoom; i++) {
            for (String r : rooms) {
                acks.add((i % 2 == 0 ? a : b).publish(room(r, i)).toCompletableFuture());
            }
        }
        CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)).get(20, TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(10)).until(() -> onB.rooms.size() == ROOMS * perRoom);
        Map<String, List<Long>> offsets = new HashMap<>();
        for (Message m : onB.rooms) {
            offsets.computeIfAbsent(m.room(), k -> new ArrayList<>()).add(m.offset());
        }
        List<Long> expected = new ArrayList<>();
        for (long o = 1; o <= perRoom; o++) {
            expected.add(o);
        }
        assertThat(offsets).hasSize(ROOMS);
        offsets.forEach((r, got) -> assertThat(got).as("offsets of %s as delivered", r).isEqualTo(expected));
        assertThat(onA.rooms).isEmpty();
    }

    @Test
    void subscriptionsAreShardedOnTheRoomsMaster() throws Exception {
        await5(b.subscribeRoom("lobby"));
        RedisClusterNode owner = masterOf("lobby");
        String channel = new RedisKeys(ns).roomChannel("lobby");
        try (StatefulRedisClusterConnection<String, String> c = clientA.connect()) {
            var onOwner = c.getConnection(owner.getUri().getHost(), owner.getUri().getPort()).sync();
            assertThat(onOwner.pubsubShardNumsub(channel)).containsEntry(channel, 1L);
            assertThat(onOwner.pubsubNumsub(channel)).containsEntry(channel, 0L);
        }
        await5(b.unsubscribeRoom("lobby"));
        Message placed = await5(a.publish(room("lobby", 1)));
        assertThat(placed.offset()).isEqualTo(1);
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2)).until(() -> onB.rooms.isEmpty());
    }

    @Test
    void usersAndBroadcastsCrossNodes() throws Exception {
        await5(b.subscribeUser("alice"));
        await5(a.send(Message.toUser("alice", Payload.of(JsonNodeFactory.instance.textNode("hi")), "bob", Priority.HIGH)));
        await5(a.broadcast(Message.toAll(Payload.of(JsonNodeFactory.instance.textNode("all")), null, Priority.NORMAL)));
        await().atMost(Duration.ofSeconds(5)).until(() -> onB.users.size() == 1 && onB.all.size() == 1 && onA.all.size() == 1);
        assertThat(onB.users.get(0).user()).isEqualTo("alice");
        assertThat(onB.users.get(0).from()).isEqualTo("bob");
        assertThat(onB.all.get(0).data().tree().asText()).isEqualTo("all");
        assertThat(onA.users).isEmpty();
    }

    @Test
    void historyRecoversExactlyWhatFollowsSinceOnEveryShard() throws Exception {
        for (String r : List.of("h-0", "h-1", "h-2", "h-3", "h-4", "h-5")) {
            String epoch = null;
            for (int i = 1; i <= 10; i++) {
                epoch = await5(a.publish(room(r, i))).epoch();
            }
            HistoryRead read = await5(b.history().read(r, new StreamPosition(epoch, 3), 0));
            assertThat(read.recovered()).as(r).isTrue();
            assertThat(read.messages()).extracting(Message::offset).containsExactly(4L, 5L, 6L, 7L, 8L, 9L, 10L);
            assertThat(read.messages()).extracting(m -> m.data().tree().asInt()).containsExactly(4, 5, 6, 7, 8, 9, 10);
            assertThat(read.latest()).isEqualTo(new StreamPosition(epoch, 10));
            assertThat(await5(b.history().read(r, new StreamPosition("other", 3), 0)).recovered()).isFalse();
        }
        StreamPosition fresh = await5(b.history().position("never"));
        assertThat(fresh.offset()).isZero();
        assertThat(await5(a.history().position("never"))).isEqualTo(fresh);
    }
}

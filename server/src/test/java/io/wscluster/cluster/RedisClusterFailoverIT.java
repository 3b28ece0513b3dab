package io.wscluster.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.lettuce.core.cluster.SlotHash;
import io.wscluster.NodeFixture;
import io.wscluster.WsCluster;
import io.wscluster.testkit.RedisClusterServers;
import io.wscluster.testkit.SharedRedis;
import io.wscluster.testkit.TestClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Two nodes on a Redis Cluster of three masters with a replica each, under traffic in three rooms
 * that live on the three masters, when the master of one room is killed and the cluster promotes
 * its replica. Each node has a publisher in each room, which retries a publish answered {@code
 * unavailable} or {@code outcome_unknown} with the same idempotency key (as the SDK does), and
 * two subscribers of every room.
 *
 * <p>What is checked: publishing in the room goes on on the promoted replica, and in the other
 * rooms it never stopped; every subscriber gets each room's messages once, each offset following
 * the one before, every acknowledged message among them, or is told (a {@code subscribed} frame
 * with {@code recovered: false}) before the first message after what it missed; nobody is
 * disconnected, not even the clients of the node whose membership record was on that shard.
 * Replication is asynchronous: a replica may lack the last messages its master acknowledged, which
 * the second test provokes; its subscribers are told {@code rewound}.
 */
class RedisClusterFailoverIT {
    private static final Set<String> RETRIED = Set.of("unavailable", "outcome_unknown");
    private static final Set<String> TOLD = Set.of("rewound", "history", "epoch", "unavailable");

    @RegisterExtension
    final NodeFixture nodes = new NodeFixture();

    private RedisClusterServers redis;
    /** One room on each master; the first is the one whose master is killed. */
    private List<String> rooms;
    private String killedRoom;
    private final List<TestClient> subscribers = new ArrayList<>();
    /** One per node and room. */
    private final List<Publisher> publishers = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        redis = RedisClusterServers.withReplicas();
        rooms = roomOnEachMaster();
        killedRoom = rooms.get(0);
        String cluster = namespaceWithOnlyN2OnTheKilledShard();
        WsCluster n1 = nodes.start(o -> o.nodeId("n1").bus(b -> b.redisUrl(redis.url()).cluster(cluster).heartbeat(Duration.ofSeconds(1))));
        WsCluster n2 = nodes.start(o -> o.nodeId("n2").bus(b -> b.redisUrl(redis.url()).cluster(cluster).heartbeat(Duration.ofSeconds(1))));
        for (WsCluster n : List.of(n1, n2, n1, n2)) {
            TestClient c = nodes.open(TestClient.options(n.url()));
            for (String room : rooms) {
                RedisNodes.subscribe(c, room);
            }
            subscribers.add(c);
        }
        for (WsCluster n : List.of(n1, n2)) {
            for (String room : rooms) {
                publishers.add(new Publisher(n.options().nodeId() + "-" + room, room, nodes.open(TestClient.options(n.url()))));
            }
        }
    }

    @AfterEach
    void stop() {
        publishers.forEach(Publisher::stop);
        if (redis != null) {
            redis.close();
        }
    }

    @Test
    void aRoomsMasterKilledUnderTrafficFailsOverToItsReplicaWithNothingLostSilentlyOrDoubled() throws Exception {
        publishers.forEach(Publisher::start);
        await().atMost(Duration.ofSeconds(20)).until(() -> publishers.stream().allMatch(p -> p.acked().size() >= 20));

        failOverAndCheck(() -> { });
    }

    @Test
    void aReplicaBehindItsKilledMasterTakesOverAndTheSubscribersAreToldTheStreamRewound() throws Exception {
        publishers.forEach(Publisher::start);
        await().atMost(Duration.ofSeconds(20)).until(() -> publishers.stream().allMatch(p -> p.acked().size() >= 20));
        int replica = redis.stallReplicaOf("{" + killedRoom + "}"); // what the master acknowledges from now on never reaches it
        long pausedAt = System.nanoTime();
        await().atMost(Duration.ofSeconds(10)).until(() -> ofKilledRoom().stream().allMatch(p -> p.ackedAfter(pausedAt) >= 5));

        List<Map<String, List<JsonNode>>> received = failOverAndCheck(() -> redis.resume(replica));

        for (Map<String, List<JsonNode>> byRoom : received) {
            assertThat(byRoom.get(killedRoom)).as("a subscriber told of the rewind")
                    .anyMatch(f -> "subscribed".equals(f.path("op").asText()) && "rewound".equals(f.path("reason").asText()));
        }
    }

    /**
     * Kills the master of {@link #killedRoom}, runs {@code afterKill}, waits for its replica to take
     * over and for publishing to go on, stops the publishers, and checks what every client got;
     * returns what each subscriber received, by room.
     */
    private List<Map<String, List<JsonNode>>> failOverAndCheck(Runnable afterKill) throws Exception {
        int killed = redis.killMasterOf("{" + killedRoom + "}");
        long killedAt = System.nanoTime();
        afterKill.run();
        int promoted = redis.awaitFailover("{" + killedRoom + "}");
        long promotedAt = System.nanoTime();
        await().atMost(Duration.ofSeconds(40)).until(() -> ofKilledRoom().stream().allMatch(p -> p.ackedAfter(promotedAt) >= 20));
        publishers.forEach(Publisher::stop);

        long resumed = ofKilledRoom().stream().mapToLong(p -> p.firstAckAfter(killedAt)).max().orElseThrow();
        System.out.printf("killed the master on %d of %s; the replica on %d took over %d ms later; every publisher of %s had an ack"
                + " again %d ms after the kill%n", killed, killedRoom, promoted, (promotedAt - killedAt) / 1_000_000, killedRoom,
                (resumed - killedAt) / 1_000_000);
        for (Publisher p : publishers) {
            System.out.println("publisher " + p.name + ": " + p.acked().size() + " acknowledged, " + p.retries + " retries");
            assertThat(p.unexpected).as("publisher " + p.name + ": errors other than " + RETRIED).isEmpty();
            if (!p.room.equals(killedRoom)) {
                assertThat(p.ackedAfter(killedAt) - p.ackedAfter(promotedAt)).as(p.name + ": acks while another shard failed over")
                        .isPositive();
            }
        }
        List<Map<String, List<JsonNode>>> received = new ArrayList<>();
        for (TestClient c : subscribers) {
            Map<String, List<JsonNode>> byRoom = drain(c);
            System.out.println("subscriber:");
            for (String room : rooms) {
                check(room, byRoom.getOrDefault(room, List.of()));
            }
            received.add(byRoom);
        }
        for (TestClient c : subscribers) {
            assertThat(c.isOpen()).as("a subscriber was disconnected").isTrue();
        }
        for (Publisher p : publishers) {
            assertThat(p.client.isOpen()).as("a publisher was disconnected").isTrue();
        }
        return received;
    }

    private List<Publisher> ofKilledRoom() {
        return publishers.stream().filter(p -> p.room.equals(killedRoom)).toList();
    }

    /**
     * A cluster name whose membership keys put node n2's record on the shard of {@link #killedRoom}
     * and n1's record and the list of nodes on others: n2's heartbeats fail for the whole failover
     * while n1's go on, which must not make n2 take itself for cut off from Redis and send its
     * clients away (NodeFence). The key names are those of {@code RedisKeys}.
     */
    private String namespaceWithOnlyN2OnTheKilledShard() throws Exception {
        int killed = redis.masterOf("{" + killedRoom + "}");
        for (int i = 0; i < 200; i++) {
            String ns = SharedRedis.namespace();
            if (masterOf(ns + ":node:n2") == killed && masterOf(ns + ":node:n1") != killed && masterOf(ns + ":nodes") != killed) {
                return ns;
            }
        }
        throw new AssertionError("no cluster name found with only n2's record on the master on " + killed);
    }

    private int masterOf(String key) throws Exception {
        return redis.masterOfSlot(SlotHash.getSlot(key));
    }

    /** Three rooms whose slots three different masters serve. */
    private List<String> roomOnEachMaster() throws Exception {
        Map<Integer, String> byMaster = new LinkedHashMap<>();
        for (int i = 0; byMaster.size() < 3 && i < 100; i++) {
            byMaster.putIfAbsent(redis.masterOf("{room-" + i + "}"), "room-" + i);
        }
        assertThat(byMaster).hasSize(3);
        return List.copyOf(byMaster.values());
    }

    /** The frames a subscriber received until 5 s pass without one, by room; fails on a {@code reconnect}. */
    private static Map<String, List<JsonNode>> drain(TestClient c) {
        Map<String, List<JsonNode>> byRoom = new HashMap<>();
        for (JsonNode f = c.poll(Duration.ofSeconds(5)); f != null; f = c.poll(Duration.ofSeconds(5))) {
            assertThat(f.path("op").asText()).as("a subscriber was sent " + f).isNotEqualTo("reconnect");
            if (f.has("room")) {
                byRoom.computeIfAbsent(f.path("room").asText(), r -> new ArrayList<>()).add(f);
            }
        }
        return byRoom;
    }

    /**
     * One subscriber's stream of one room: each message once; each at the offset after the one
     * before in its epoch, or after the position a telling frame gave; and each message a publisher
     * had acknowledged either delivered, or a telling frame between that publisher's message
     * delivered before it and the one delivered after it.
     */
    private void check(String room, List<JsonNode> frames) {
        Map<String, Integer> position = new HashMap<>();
        List<Integer> tells = new ArrayList<>();
        String at = null; // epoch/offset of the last message, or of the position told
        for (int i = 0; i < frames.size(); i++) {
            JsonNode f = frames.get(i);
            String here = f.path("epoch").asText() + "/" + f.path("offset").asLong();
            if (f.path("op").asText().equals("subscribed")) {
                assertThat(f.path("recovered").asBoolean(true)).as(room + ": a subscribed frame that tells nothing: " + f).isFalse();
                assertThat(TOLD).as(room + ": reason of " + f).contains(f.path("reason").asText());
                tells.add(i);
                at = here;
            } else if (f.path("op").asText().equals("message")) {
                String data = f.path("data").asText();
                assertThat(position.put(data, i)).as(room + ": delivered twice: " + data).isNull();
                // The subscribers subscribed before the room's first message: it is at offset 1, in whatever epoch.
                String expected = at == null ? f.path("epoch").asText() + "/1"
                        : at.substring(0, at.indexOf('/') + 1) + (Long.parseLong(at.substring(at.indexOf('/') + 1)) + 1);
                assertThat(here).as(room + ": a message that does not follow the one before, untold: " + f).isEqualTo(expected);
                at = here;
            }
        }
        int missing = 0;
        for (Publisher p : publishers.stream().filter(p -> p.room.equals(room)).toList()) {
            List<String> acked = p.acked();
            for (int k = 0; k < acked.size(); k++) {
                if (position.containsKey(acked.get(k))) {
                    continue;
                }
                missing++;
                int before = -1;
                for (int j = k - 1; j >= 0 && before < 0; j--) {
                    before = position.getOrDefault(acked.get(j), -1);
                }
                int after = frames.size();
                for (int j = k + 1; j < acked.size() && after == frames.size(); j++) {
                    after = position.getOrDefault(acked.get(j), frames.size());
                }
                int from = before;
                int to = after;
                assertThat(tells.stream().anyMatch(t -> from < t && t < to))
                        .as(room + ": acknowledged " + acked.get(k) + " never delivered, and the subscriber not told").isTrue();
            }
        }
        System.out.printf("  %s: %d delivered, %d acknowledged ones missing, told %d times%n", room, position.size(), missing, tells.size());
    }

    /** Publishes in one room, each message retried with its key until acknowledged, on a thread of its own. */
    private static final class Publisher implements Runnable {
        final String name;
        final String room;
        final TestClient client;
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final Thread thread;
        /** The data of the acknowledged messages in the order they were published, and when each ack came. */
        private final List<String> acked = new CopyOnWriteArrayList<>();
        private final List<Long> ackedAt = new CopyOnWriteArrayList<>();
        final List<String> unexpected = new CopyOnWriteArrayList<>();
        volatile int retries;

        Publisher(String name, String room, TestClient client) {
            this.name = name;
            this.room = room;
            this.client = client;
            this.thread = new Thread(this, "publisher-" + name);
        }

        void start() {
            thread.start();
        }

        void stop() {
            running.set(false);
            try {
                thread.join(40_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        @Override
        public void run() {
            for (int i = 0; running.get() && unexpected.isEmpty(); i++) {
                String data = name + "-" + i;
                long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                while (System.nanoTime() < deadline) {
                    JsonNode reply;
                    try {
                        reply = client.request(client.frame("publish").put("room", room).put("data", data).put("idempotency_key", data));
                    } catch (AssertionError | RuntimeException e) { // no reply in time, or the connection closed
                        unexpected.add(data + ": " + e);
                        return;
                    }
                    if (reply.path("op").asText().equals("ack")) {
                        acked.add(data);
                        ackedAt.add(System.nanoTime());
                        break;
                    }
                    if (!RETRIED.contains(reply.path("code").asText())) {
                        unexpected.add(reply.toString());
                        return;
                    }
                    retries++;
                    sleep(100);
                }
                sleep(30);
            }
        }

        List<String> acked() {
            return acked;
        }

        long ackedAfter(long nanoTime) {
            return ackedAt.stream().filter(t -> t > nanoTime).count();
        }

        long firstAckAfter(long nanoTime) {
            return ackedAt.stream().filter(t -> t > nanoTime).findFirst().orElse(Long.MAX_VALUE);
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

package io.wscluster.hub;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.util.ResourceLeakDetector;
import io.wscluster.presence.PresenceInfo;
import io.wscluster.protocol.CloseCode;
import io.wscluster.codec.Encoding;
import io.wscluster.protocol.ErrorCode;
import io.wscluster.codec.Message;
import io.wscluster.codec.Payload;
import io.wscluster.protocol.Priority;
import io.wscluster.protocol.ProtocolException;
import io.wscluster.protocol.StreamPosition;
import io.wscluster.security.Authorizer;
import io.wscluster.security.Principal;
import io.wscluster.testsupport.Wire;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static io.wscluster.hub.HubHarness.expected;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The hub driven as the transport drives it, without sockets: a real {@link io.wscluster.bus.LocalBus}
 * behind a recording wrapper, two shards on single-thread executors, recording sessions. After every
 * test all buffers must be released and no session may have been written off its loop.
 */
class HubTest {
    private static ResourceLeakDetector.Level previousLeakLevel;
    private HubHarness h;

    @BeforeAll
    static void paranoidLeakDetection() {
        previousLeakLevel = ResourceLeakDetector.getLevel();
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
    }

    @AfterAll
    static void restoreLeakDetection() {
        ResourceLeakDetector.setLevel(previousLeakLevel);
    }

    @AfterEach
    void noLeaksAndNoWritesOffLoop() {
        if (h == null) {
            return;
        }
        try {
            h.assertNoBufferLeft();
            h.assertNoWriteOffLoop();
        } finally {
            h.close();
        }
    }

    /** JSON with single quotes for readability. */
    private static String q(String json) {
        return json.replace('\'', '"');
    }

    private static JsonNode tree(String singleQuoted) {
        return Wire.tree(q(singleQuoted));
    }

    private HubHarness harness() {
        h = new HubHarness(2);
        return h;
    }

    private JsonNode subscribe(RecordingSession s, long id, String room) {
        return h.request(s, id, q("{'op':'subscribe','id':" + id + ",'room':'" + room + "'}"));
    }

    private JsonNode subscribeSince(RecordingSession s, long id, String room, StreamPosition since) {
        return h.request(s, id, q("{'op':'subscribe','id':" + id + ",'room':'" + room + "','since':{'epoch':'"
                + since.epoch() + "','offset':" + since.offset() + "}}"));
    }

    private static JsonNode subscribed(long id, String room, StreamPosition p, boolean recovered) {
        return tree("{'op':'subscribed','id':" + id + ",'room':'" + room + "','epoch':'" + p.epoch() + "','offset':"
                + p.offset() + ",'recovered':" + recovered + "}");
    }

    private static JsonNode error(long id, ErrorCode code, String message) {
        ObjectNode e = Wire.object("{\"op\":\"error\"}");
        if (id > 0) {
            e.put("id", id);
        }
        e.put("code", code.wireName()).put("message", message);
        return Wire.tree(e.toString()); // numbers as the decoder reads them
    }

    /** A message frame without its {@code ts}, after checking that {@code ts} is a plausible accept time. */
    private static JsonNode withoutTs(JsonNode frame, long notBefore) {
        ObjectNode copy = frame.deepCopy();
        JsonNode ts = copy.remove("ts");
        assertThat(ts).as("ts of %s", frame).isNotNull();
        assertThat(ts.longValue()).isBetween(notBefore, System.currentTimeMillis());
        return copy;
    }

    @Nested
    class Lifecycle {
        @Test
        void welcomeOnOpen() {
            harness();
            RecordingSession alice = h.open("alice");
            RecordingSession anonymous = h.open(1, null, Encoding.MSGPACK);
            assertThat(alice.frames()).containsExactly(
                    tree("{'op':'welcome','session':'" + alice.id() + "','node':'node-1','user':'alice','ping_ms':25000,'resumed':false}"));
            assertThat(anonymous.frames()).containsExactly(
                    tree("{'op':'welcome','session':'" + anonymous.id() + "','node':'node-1','user':null,'ping_ms':25000,'resumed':false}"));
            assertThat(h.metrics.connections()).isEqualTo(2);
            assertThat(h.loop(0).shard.sessionCount()).isEqualTo(1);
            assertThat(h.loop(1).shard.sessionCount()).isEqualTo(1);
        }

        @Test
        void pingIntervalComesFromTheConfig() {
            h = new HubHarness(1, b -> b.pingInterval(java.time.Duration.ofSeconds(3)));
            assertThat(h.open("alice").frames().get(0).get("ping_ms").longValue()).isEqualTo(3000);
        }

        @Test
        void aConnectHookCanRefuseTheSession() {
            h = new HubHarness(1, b -> b.hooks(new HubHooks() {
                @Override
                public void onConnect(Session session) {
                    throw new ProtocolException(ErrorCode.UNAUTHORIZED, "token revoked");
                }
            }));
            RecordingSession s = h.open("mallory");
            assertThat(s.frames()).containsExactly(error(0, ErrorCode.UNAUTHORIZED, "token revoked"));
            assertThat(s.closeCode()).isEqualTo(CloseCode.POLICY_VIOLATION);
            assertThat(h.bus.calls()).doesNotContain("subscribeUser mallory");
            h.closed(s);
            assertThat(h.metrics.connections()).isZero();
        }

        @Test
        void closedReleasesEverything() {
            List<Session> disconnected = new CopyOnWriteArrayList<>();
            h = new HubHarness(2, b -> b.hooks(new HubHooks() {
                @Override
                public void onDisconnect(Session session) {
                    assertThat(session.rooms()).isEmpty();
                    disconnected.add(session);
                }
            }));
            RecordingSession s = h.open("alice");
            subscribe(s, 1, "r1");
            subscribe(s, 2, "r2");
            assertThat(s.rooms()).containsExactlyInAnyOrder("r1", "r2");
            assertThat(h.presence.get("r1").toCompletableFuture().join().connections()).isEqualTo(1);

            h.closed(s);
            assertThat(h.bus.calls()).containsExactlyInAnyOrder(
                    "subscribeUser alice", "subscribeRoom r1", "subscribeRoom r2",
                    "unsubscribeRoom r1", "unsubscribeRoom r2", "unsubscribeUser alice");
            assertThat(h.presence.get("r1").toCompletableFuture().join()).isEqualTo(new PresenceInfo(List.of(), 0));
            assertThat(h.presence.get("r2").toCompletableFuture().join()).isEqualTo(new PresenceInfo(List.of(), 0));
            assertThat(h.loop(0).shard.sessionCount()).isZero();
            assertThat(h.metrics.connections()).isZero();
            assertThat(disconnected).containsExactly(s.session);

            int before = s.frames().size();
            h.publish("r1", 1);
            h.bridge.send(Message.toUser("alice", Payload.of(IntNode.valueOf(1)), null, Priority.NORMAL));
            h.bridge.broadcast(Message.toAll(Payload.of(IntNode.valueOf(1)), null, Priority.NORMAL));
            s.send(io.wscluster.codec.ServerFrames.pong(1));
            h.settle();
            assertThat(s.frames()).hasSize(before);

            h.closed(s);
            assertThat(h.bus.calls()).as("closing twice releases nothing twice").hasSize(6);
            assertThat(disconnected).hasSize(1);
            assertThat(h.metrics.connections()).isZero();
        }

        @Test
        void closingOneSessionLeavesTheOthersOfTheRoomAlone() {
            harness();
            RecordingSession a = h.open("a");
            RecordingSession b = h.open("b");
            subscribe(a, 1, "r");
            subscribe(b, 1, "r");
            h.closed(a);
            assertThat(h.bus.calls()).doesNotContain("unsubscribeRoom r");
            Message m = h.publish("r", 1);
            assertThat(h.awaitFrame(b, f -> f.path("op").textValue().equals("message"))).isEqualTo(expected(m));
        }
    }

    @Nested
    class Subscribing {
        @Test
        void subscribedThenLiveMessages() {
            harness();
            RecordingSession alice = h.open("alice");
            RecordingSession bob = h.open(1, "bob", Encoding.JSON);
            StreamPosition start = h.position("prices");

            assertThat(subscribe(alice, 1, "prices")).isEqualTo(subscribed(1, "prices", start, false));
            assertThat(h.bus.calls()).contains("subscribeRoom prices");

            long before = System.currentTimeMillis();
            JsonNode ack = h.request(bob, 2, q("{'op':'publish','id':2,'room':'prices','data':{'px':1.5}}"));
            assertThat(ack).isEqualTo(tree("{'op':'ack','id':2,'offset':1}"));

            JsonNode message = h.awaitFrame(alice, f -> f.path("op").textValue().equals("message"));
            assertThat(withoutTs(message, before)).isEqualTo(
                    tree("{'op':'message','room':'prices','epoch':'" + start.epoch() + "','offset':1,'data':{'px':1.5},'from':'bob'}"));
            h.settle();
            assertThat(alice.framesAfterWelcome()).hasSize(2);
            assertThat(bob.framesAfterWelcome()).as("the publisher is not subscribed").containsExactly(ack);
        }

        @Test
        void withoutSinceOnlyNewMessagesArrive() {
            harness();
            for (int i = 1; i <= 3; i++) {
                h.publish("r", i);
            }
            RecordingSession s = h.open("alice");
            assertThat(subscribe(s, 1, "r")).isEqualTo(subscribed(1, "r", h.position("r"), false));
            assertThat(h.position("r").offset()).isEqualTo(3);
            Message fourth = h.publish("r", 4);
            assertThat(h.awaitFrame(s, f -> f.path("op").textValue().equals("message"))).isEqualTo(expected(fourth));
            h.settle();
            assertThat(s.offsets("r")).containsExactly(4L);
        }

        @Test
        void withSinceTheMissedMessagesComeFirst() {
            harness();
            List<Message> placed = new ArrayList<>();
            for (int i = 1; i <= 5; i++) {
                placed.add(h.publish("r", i));
            }
            String epoch = placed.get(0).epoch();
            RecordingSession s = h.open("alice");
            assertThat(subscribeSince(s, 1, "r", new StreamPosition(epoch, 2)))
                    .isEqualTo(subscribed(1, "r", new StreamPosition(epoch, 5), true));
            Message sixth = h.publish("r", 6);
            HubHarness.waiting().until(() -> s.offsets("r").size() == 4);
            h.settle();
            assertThat(s.framesAfterWelcome()).containsExactly(
                    subscribed(1, "r", new StreamPosition(epoch, 5), true),
                    expected(placed.get(2)), expected(placed.get(3)), expected(placed.get(4)), expected(sixth));
        }

        @Test
        void aSinceWithinTheRoomsRecentFramesReadsNoHistoryAndEncodesNothingAgain() {
            harness();
            RecordingSession watcher = h.open(0, "watcher", Encoding.JSON);
            subscribe(watcher, 1, "r"); // the node receives the room from here on
            List<Message> placed = new ArrayList<>();
            for (int i = 1; i <= 5; i++) {
                placed.add(h.publish("r", i));
            }
            HubHarness.waiting().until(() -> watcher.offsets("r").size() == 5);
            h.settle();
            int reads = h.bus.historyReads();
            int allocated = h.alloc.allocated().size();
            String epoch = placed.get(0).epoch();

            h.open(1, "bystander", Encoding.JSON); // so that the next session takes payloads, as the watcher does
            RecordingSession back = h.open(1, "alice", Encoding.JSON); // a client of a failed node, resuming
            assertThat(back.acceptsFramed(0)).isEqualTo(watcher.acceptsFramed(0));
            assertThat(subscribeSince(back, 1, "r", new StreamPosition(epoch, 2)))
                    .isEqualTo(subscribed(1, "r", new StreamPosition(epoch, 5), true));
            HubHarness.waiting().until(() -> back.offsets("r").size() == 3);
            h.settle();
            assertThat(back.frames("message")).containsExactly(expected(placed.get(2)), expected(placed.get(3)), expected(placed.get(4)));
            assertThat(h.bus.historyReads()).as("history reads").isEqualTo(reads);
            // Two welcomes and the reply; the three messages go out as the frames the watcher got.
            assertThat(h.alloc.allocated().size() - allocated).as("buffers allocated").isEqualTo(3);
        }

        @Test
        void afterTheBusWasInterruptedASinceReadsTheHistoryAgain() {
            harness();
            RecordingSession watcher = h.open("watcher");
            subscribe(watcher, 1, "r");
            Message first = h.publish("r", 1);
            h.publish("r", 2);
            HubHarness.waiting().until(() -> watcher.offsets("r").size() == 2);
            h.bridge.onDeliveryInterrupted(); // what the node got before may not be contiguous with what follows
            int reads = h.bus.historyReads();
            RecordingSession back = h.open("alice");
            assertThat(subscribeSince(back, 1, "r", new StreamPosition(first.epoch(), 1)))
                    .isEqualTo(subscribed(1, "r", new StreamPosition(first.epoch(), 2), true));
            assertThat(h.bus.historyReads()).isEqualTo(reads + 1);
        }

        @Test
        void sinceOfAnotherEpochIsNotRecovered() {
            harness();
            h.publish("r", 1);
            h.publish("r", 2);
            RecordingSession s = h.open("alice");
            assertThat(subscribeSince(s, 1, "r", new StreamPosition("lost-epoch", 1)))
                    .isEqualTo(subscribed(1, "r", h.position("r"), false));
            Message third = h.publish("r", 3);
            h.awaitFrame(s, f -> f.path("op").textValue().equals("message"));
            h.settle();
            assertThat(s.frames("message")).containsExactly(expected(third));
        }

        @Test
        void subscribingTwiceIsABadRequest() {
            harness();
            RecordingSession s = h.open("alice");
            subscribe(s, 1, "r");
            assertThat(subscribe(s, 2, "r")).isEqualTo(error(2, ErrorCode.BAD_REQUEST, "already subscribed to room 'r'"));
            assertThat(h.bus.calls().stream().filter(c -> c.equals("subscribeRoom r"))).hasSize(1);
            Message m = h.publish("r", 1);
            h.awaitFrame(s, f -> f.path("op").textValue().equals("message"));
            h.settle();
            assertThat(s.frames("message")).containsExactly(expected(m));
        }

        @Test
        void oneBusSubscriptionPerRoomForTheWholeNode() {
            harness();
            for (int i = 0; i < 4; i++) {
                subscribe(h.open(i % 2, "u" + i, Encoding.JSON), 1, "shared");
            }
            assertThat(h.bus.calls()).filteredOn(c -> c.contains("Room")).containsExactly("subscribeRoom shared");
        }

        /**
         * The seam, step by step: the bus holds back its answers so that messages are published
         * after the pending subscription joined the room but before the history read (they reach
         * both the buffer and the history), and after the read but before the reply (they reach the
         * buffer only). One session subscribes with since, one without; each must receive every
         * message after its starting point exactly once, in order, and the reply first.
         */
        @Test
        void theRecoverySeamHasNoGapAndNoDuplicate() {
            harness();
            h.bus.holdAnswers();
            for (int i = 1; i <= 20; i++) {
                h.publish("r", i);
            }
            String epoch = h.position("r").epoch();
            RecordingSession recovering = h.open(0, "a", Encoding.JSON);
            RecordingSession fresh = h.open(1, "b", Encoding.MSGPACK);
            h.frame(recovering, q("{'op':'subscribe','id':1,'room':'r','since':{'epoch':'" + epoch + "','offset':10}}"));
            h.frame(fresh, q("{'op':'subscribe','id':1,'room':'r'}"));

            publish(21, 30);                       // joined, bus subscription not yet confirmed
            releaseHeld();                         // subscription confirmed: history is read now (up to 30)
            publish(31, 40);                       // read done, reply not yet sent
            h.bus.completeOn(null);
            releaseHeld();                         // read result arrives: reply, history, buffer
            publish(41, 50);                       // live

            for (RecordingSession s : List.of(recovering, fresh)) {
                HubHarness.waiting().until(() -> s.offsets("r").contains(50L));
            }
            h.settle();
            assertThat(recovering.framesAfterWelcome().get(0)).isEqualTo(subscribed(1, "r", new StreamPosition(epoch, 30), true));
            assertThat(recovering.offsets("r")).containsExactlyElementsOf(LongStream.rangeClosed(11, 50).boxed().toList());
            assertThat(fresh.framesAfterWelcome().get(0)).isEqualTo(subscribed(1, "r", new StreamPosition(epoch, 30), false));
            assertThat(fresh.offsets("r")).containsExactlyElementsOf(LongStream.rangeClosed(31, 50).boxed().toList());
        }

        private void publish(int from, int to) {
            for (int i = from; i <= to; i++) {
                h.publish("r", i);
            }
            h.settle(); // delivered to the pending subscriptions' buffers
        }

        private void releaseHeld() {
            h.settle();
            assertThat(h.bus.releaseHeld()).as("answers the bus held back").isPositive();
            h.settle();
        }

        /**
         * The same with real concurrency: a publisher thread keeps publishing while sessions
         * subscribe, until both replies are out. The interleaving differs from run to run; the outcome
         * must not. With {@code async} the bus answers later on another thread.
         */
        @ParameterizedTest(name = "bus completes later: {0}")
        @ValueSource(booleans = {false, true})
        void theRecoverySeamUnderConcurrentPublishes(boolean async) throws Exception {
            harness();
            if (async) {
                h.bus.completeOn(h.elsewhere);
            }
            ExecutorService publisherThread = Executors.newSingleThreadExecutor(r -> new Thread(r, "test-publisher"));
            try {
                for (int round = 0; round < 8; round++) {
                    String room = "seam-" + round;
                    for (int i = 1; i <= 20; i++) {
                        h.publish(room, i);
                    }
                    String epoch = h.position(room).epoch();
                    RecordingSession recovering = h.open(round % 2, "r" + round, Encoding.JSON);
                    RecordingSession fresh = h.open((round + 1) % 2, "f" + round, Encoding.MSGPACK);

                    CountDownLatch go = new CountDownLatch(1);
                    Future<Long> publisher = publisherThread.submit(() -> {
                        go.await();
                        int value = 21;
                        // Until both replies are out; at most 9,000 so history (10,000) reaches back to offset 10.
                        while (value < 9_000 && (recovering.frames("subscribed").isEmpty() || fresh.frames("subscribed").isEmpty())) {
                            h.publish(room, value++);
                            if (value % 8 == 0) {
                                Thread.yield();
                            }
                        }
                        Message last = null;
                        for (int i = 0; i < 50; i++) {
                            last = h.publish(room, value++);
                        }
                        return last.offset();
                    });
                    h.frameLater(recovering, q("{'op':'subscribe','id':1,'room':'" + room + "','since':{'epoch':'" + epoch + "','offset':10}}"));
                    h.frameLater(fresh, q("{'op':'subscribe','id':1,'room':'" + room + "'}"));
                    go.countDown();
                    long last = publisher.get(5, TimeUnit.SECONDS);

                    int thisRound = round;
                    for (RecordingSession s : List.of(recovering, fresh)) {
                        HubHarness.waiting().untilAsserted(() -> {
                            List<JsonNode> replies = s.frames("subscribed");
                            assertThat(replies).as("round %d, reply to %s", thisRound, s.id()).hasSize(1);
                            long start = s == recovering ? 10 : replies.get(0).get("offset").longValue();
                            List<Long> offsets = s.offsets(room);
                            assertThat(offsets.isEmpty() ? start : offsets.get(offsets.size() - 1))
                                    .as("round %d, %s receives up to %d", thisRound, s.id(), last).isEqualTo(last);
                        });
                    }
                    h.settle();

                    JsonNode recoveredReply = recovering.frames("subscribed").get(0);
                    assertThat(recoveredReply.get("recovered").booleanValue()).isTrue();
                    assertThat(recovering.offsets(room)).as("round %d, since 10", round)
                            .containsExactlyElementsOf(LongStream.rangeClosed(11, last).boxed().toList());

                    JsonNode freshReply = fresh.frames("subscribed").get(0);
                    long from = freshReply.get("offset").longValue();
                    assertThat(freshReply.get("recovered").booleanValue()).isFalse();
                    assertThat(freshReply.get("epoch").textValue()).isEqualTo(epoch);
                    assertThat(fresh.offsets(room)).as("round %d, no since, subscribed at %d", round, from)
                            .containsExactlyElementsOf(LongStream.rangeClosed(from + 1, last).boxed().toList());
                    for (RecordingSession s : List.of(recovering, fresh)) {
                        assertThat(s.framesAfterWelcome().get(0).get("op").textValue()).as("the reply comes first").isEqualTo("subscribed");
                    }
                }
            } finally {
                publisherThread.shutdownNow();
            }
        }

        /**
         * A shard that joins a room the node already receives, answered from the recent frames while
         * a publisher bursts: a message fanned out as the shard joins must reach it either in the
         * recent frames it reads or live, never neither (choosing the shards before keeping the frame
         * lost it). Each round joins loop 1 afresh during a burst; the window is narrow, so many rounds.
         */
        @Test
        void aShardJoiningFromTheRecentFramesMissesNothingPublishedMeanwhile() throws Exception {
            harness();
            RecordingSession watcher = h.open(0, "watcher", Encoding.JSON);
            subscribe(watcher, 1, "live"); // the node receives the room, and keeps its recent frames
            String epoch = null;
            for (int i = 0; i < 10; i++) {
                epoch = h.publish("live", i).epoch();
            }
            ExecutorService publisherThread = Executors.newSingleThreadExecutor(r -> new Thread(r, "test-publisher"));
            int rounds = 200;
            try {
                for (int round = 0; round < rounds; round++) {
                    long since = h.position("live").offset() - 3;
                    RecordingSession s = h.open(1, "j" + round, Encoding.JSON);
                    Future<Long> burst = publisherThread.submit(() -> {
                        Message last = null;
                        for (int i = 0; i < 60; i++) { // fewer than the 100 recent frames a room keeps
                            last = h.publish("live", i);
                        }
                        return last.offset();
                    });
                    h.frameLater(s, q("{'op':'subscribe','id':1,'room':'live','since':{'epoch':'" + epoch + "','offset':" + since + "}}"));
                    long last = burst.get(5, TimeUnit.SECONDS);
                    int thisRound = round;
                    HubHarness.waiting().untilAsserted(() -> assertThat(s.offsets("live"))
                            .as("round %d, since %d, subscribed %s", thisRound, since, s.frames("subscribed"))
                            .containsExactlyElementsOf(LongStream.rangeClosed(since + 1, last).boxed().toList()));
                    h.closed(s);
                }
            } finally {
                publisherThread.shutdownNow();
            }
            assertThat(h.bus.historyReads()).as("history reads: only the watcher's, for its position").isEqualTo(1);
        }

        @Test
        void roomOrderHoldsUnderConcurrentPublishers() throws Exception {
            harness();
            RecordingSession s0 = h.open(0, "a", Encoding.JSON);
            RecordingSession s1 = h.open(1, "b", Encoding.MSGPACK);
            subscribe(s0, 1, "ordered");
            subscribe(s1, 1, "ordered");
            int threads = 4;
            int perThread = 500;
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            try {
                CountDownLatch go = new CountDownLatch(1);
                List<Future<?>> done = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    done.add(pool.submit(() -> {
                        go.await();
                        for (int i = 0; i < perThread; i++) {
                            h.publish("ordered", i);
                        }
                        return null;
                    }));
                }
                go.countDown();
                for (Future<?> f : done) {
                    f.get(5, TimeUnit.SECONDS);
                }
            } finally {
                pool.shutdownNow();
            }
            List<Long> all = LongStream.rangeClosed(1, threads * perThread).boxed().toList();
            HubHarness.waiting().until(() -> s0.offsets("ordered").size() == all.size() && s1.offsets("ordered").size() == all.size());
            assertThat(s0.offsets("ordered")).containsExactlyElementsOf(all);
            assertThat(s1.offsets("ordered")).containsExactlyElementsOf(all);
        }
    }

    @Nested
    class Unsubscribing {
        @Test
        void stopsDeliveryAndTheLastLocalSubscriberReleasesTheBusRoom() {
            harness();
            RecordingSession a = h.open(0, "a", Encoding.JSON);
            RecordingSession b = h.open(1, "b", Encoding.JSON);
            RecordingSession c = h.open(0, "c", Encoding.JSON);
            for (RecordingSession s : List.of(a, b, c)) {
                subscribe(s, 1, "r");
            }

            assertThat(h.request(a, 2, q("{'op':'unsubscribe','id':2,'room':'r'}"))).isEqualTo(tree("{'op':'unsubscribed','id':2,'room':'r'}"));
            assertThat(a.rooms()).isEmpty();
            Message m1 = h.publish("r", 1);
            h.awaitFrame(b, f -> f.path("op").textValue().equals("message"));
            h.awaitFrame(c, f -> f.path("op").textValue().equals("message"));
            h.settle();
            assertThat(a.frames("message")).isEmpty();
            assertThat(h.bus.calls()).doesNotContain("unsubscribeRoom r");

            h.request(b, 2, q("{'op':'unsubscribe','id':2,'room':'r'}"));
            assertThat(h.bus.calls()).as("c still listens on this node").doesNotContain("unsubscribeRoom r");
            h.request(c, 2, q("{'op':'unsubscribe','id':2,'room':'r'}"));
            assertThat(h.bus.calls()).containsExactly("subscribeUser a", "subscribeUser b", "subscribeUser c",
                    "subscribeRoom r", "unsubscribeRoom r");

            h.publish("r", 2);
            h.settle();
            for (RecordingSession s : List.of(a, b, c)) {
                assertThat(s.frames("message")).as(s.id()).containsExactlyElementsOf(s == a ? List.of() : List.of(expected(m1)));
            }

            subscribe(a, 3, "r");
            assertThat(h.bus.calls()).endsWith("unsubscribeRoom r", "subscribeRoom r");
        }

        @Test
        void unsubscribingFromARoomNotSubscribedStillAnswers() {
            harness();
            RecordingSession s = h.open("alice");
            assertThat(h.request(s, 4, q("{'op':'unsubscribe','id':4,'room':'never'}"))).isEqualTo(tree("{'op':'unsubscribed','id':4,'room':'never'}"));
            assertThat(h.bus.calls()).containsExactly("subscribeUser alice");
        }

        @Test
        void unsubscribingWhileTheSubscriptionIsPendingCancelsIt() {
            harness();
            h.bus.holdAnswers();
            RecordingSession s = h.open("alice");
            h.frame(s, q("{'op':'subscribe','id':1,'room':'r'}"));
            assertThat(s.rooms()).containsExactly("r");
            assertThat(h.request(s, 2, q("{'op':'unsubscribe','id':2,'room':'r'}"))).isEqualTo(tree("{'op':'unsubscribed','id':2,'room':'r'}"));
            assertThat(h.bus.calls()).endsWith("subscribeRoom r", "unsubscribeRoom r");

            h.bus.completeOn(null);
            assertThat(h.bus.releaseHeld()).isPositive();
            h.publish("r", 1);
            h.settle();
            assertThat(s.framesAfterWelcome()).as("no late reply, no message").containsExactly(tree("{'op':'unsubscribed','id':2,'room':'r'}"));
            assertThat(h.presence.get("r").toCompletableFuture().join().connections()).isZero();
        }

        @Test
        void closingWhileTheSubscriptionIsPendingCancelsIt() {
            harness();
            h.bus.holdAnswers();
            RecordingSession s = h.open("alice");
            h.frame(s, q("{'op':'subscribe','id':1,'room':'r'}"));
            h.closed(s);
            assertThat(h.bus.calls()).contains("unsubscribeRoom r", "unsubscribeUser alice");

            h.bus.completeOn(null);
            assertThat(h.bus.releaseHeld()).isPositive();
            h.settle();
            assertThat(s.framesAfterWelcome()).isEmpty();
            assertThat(h.presence.get("r").toCompletableFuture().join().connections()).isZero();
        }
    }

    @Nested
    class Users {
        @Test
        void aUserMessageReachesEverySessionOfThatUserOnly() {
            harness();
            RecordingSession alice1 = h.open(0, "alice", Encoding.JSON);
            RecordingSession alice2 = h.open(1, "alice", Encoding.MSGPACK);
            RecordingSession alice3 = h.open(0, "alice", Encoding.JSON);
            RecordingSession bob = h.open(0, "bob", Encoding.JSON);
            RecordingSession anonymous = h.open(1, null, Encoding.JSON);
            assertThat(h.bus.calls()).containsExactly("subscribeUser alice", "subscribeUser bob");

            long before = System.currentTimeMillis();
            assertThat(h.request(bob, 4, q("{'op':'send','id':4,'user':'alice','data':{'hi':true}}")))
                    .isEqualTo(tree("{'op':'ack','id':4}"));
            for (RecordingSession a : List.of(alice1, alice2, alice3)) {
                JsonNode m = h.awaitFrame(a, f -> f.path("op").textValue().equals("message"));
                assertThat(withoutTs(m, before)).isEqualTo(tree("{'op':'message','user':'alice','data':{'hi':true},'from':'bob'}"));
            }

            assertThat(h.request(anonymous, 5, q("{'op':'send','id':5,'user':'bob','data':1}"))).isEqualTo(tree("{'op':'ack','id':5}"));
            JsonNode toBob = h.awaitFrame(bob, f -> f.path("op").textValue().equals("message"));
            assertThat(withoutTs(toBob, before)).as("anonymous sender: no from").isEqualTo(tree("{'op':'message','user':'bob','data':1}"));

            assertThat(h.request(bob, 6, q("{'op':'send','id':6,'user':'carol','data':1}"))).isEqualTo(tree("{'op':'ack','id':6}"));
            h.settle();
            for (RecordingSession a : List.of(alice1, alice2, alice3, bob)) {
                assertThat(a.frames("message")).as(a.id()).hasSize(1);
            }
            assertThat(anonymous.frames("message")).isEmpty();
        }

        @Test
        void theLastSessionOfAUserReleasesTheBusUser() {
            harness();
            RecordingSession alice1 = h.open(0, "alice", Encoding.JSON);
            RecordingSession alice2 = h.open(1, "alice", Encoding.JSON);
            RecordingSession alice3 = h.open(0, "alice", Encoding.JSON);
            h.closed(alice1);
            h.closed(alice2);
            assertThat(h.bus.calls()).containsExactly("subscribeUser alice");
            h.bridge.send(Message.toUser("alice", Payload.of(IntNode.valueOf(1)), null, Priority.NORMAL));
            h.awaitFrame(alice3, f -> f.path("op").textValue().equals("message"));
            h.closed(alice3);
            assertThat(h.bus.calls()).containsExactly("subscribeUser alice", "unsubscribeUser alice");
        }
    }

    @Nested
    class Broadcasts {
        @Test
        void aBroadcastReachesEverySession() {
            harness();
            RecordingSession alice = h.open(0, "alice", Encoding.JSON);
            List<RecordingSession> others = List.of(h.open(0, null, Encoding.MSGPACK), h.open(1, "bob", Encoding.JSON),
                    h.open(1, "carol", Encoding.MSGPACK));
            RecordingSession gone = h.open(1, "dave", Encoding.JSON);
            h.closed(gone);

            long before = System.currentTimeMillis();
            assertThat(h.request(alice, 5, q("{'op':'broadcast','id':5,'data':{'maintenance':true},'priority':'critical'}")))
                    .isEqualTo(tree("{'op':'ack','id':5}"));
            JsonNode expectedFrame = tree("{'op':'message','broadcast':true,'data':{'maintenance':true},'from':'alice'}");
            for (RecordingSession s : others) {
                assertThat(withoutTs(h.awaitFrame(s, f -> f.path("op").textValue().equals("message")), before)).isEqualTo(expectedFrame);
            }
            assertThat(withoutTs(h.awaitFrame(alice, f -> f.path("op").textValue().equals("message")), before))
                    .as("the sender too").isEqualTo(expectedFrame);
            h.settle();
            assertThat(gone.framesAfterWelcome()).isEmpty();
        }
    }

    @Nested
    class Presence {
        private JsonNode presence(RecordingSession s, long id) {
            return h.request(s, id, q("{'op':'presence','id':" + id + ",'room':'lobby'}"));
        }

        @Test
        void joinAndLeave() {
            harness();
            RecordingSession alice = h.open(0, "alice", Encoding.JSON);
            RecordingSession bob = h.open(1, "bob", Encoding.JSON);
            RecordingSession anonymous = h.open(0, null, Encoding.JSON);
            RecordingSession alice2 = h.open(1, "alice", Encoding.JSON);
            RecordingSession outsider = h.open(0, "zed", Encoding.JSON);

            assertThat(presence(outsider, 1)).isEqualTo(tree("{'op':'presence','id':1,'room':'lobby','users':[],'connections':0}"));
            for (RecordingSession s : List.of(bob, alice, anonymous, alice2)) {
                subscribe(s, 1, "lobby");
            }
            assertThat(presence(outsider, 2)).as("asking needs no subscription")
                    .isEqualTo(tree("{'op':'presence','id':2,'room':'lobby','users':['alice','bob'],'connections':4}"));

            h.request(bob, 3, q("{'op':'unsubscribe','id':3,'room':'lobby'}"));
            assertThat(presence(alice, 4)).isEqualTo(tree("{'op':'presence','id':4,'room':'lobby','users':['alice'],'connections':3}"));

            h.closed(alice);
            assertThat(presence(outsider, 5)).isEqualTo(tree("{'op':'presence','id':5,'room':'lobby','users':['alice'],'connections':2}"));
            h.closed(alice2);
            h.closed(anonymous);
            assertThat(presence(outsider, 6)).isEqualTo(tree("{'op':'presence','id':6,'room':'lobby','users':[],'connections':0}"));
        }
    }

    @Nested
    class Requests {
        @Test
        void pingPong() {
            harness();
            RecordingSession s = h.open("alice");
            assertThat(h.request(s, 9, q("{'op':'ping','id':9}"))).isEqualTo(tree("{'op':'pong','id':9}"));
            h.frame(s, q("{'op':'ping'}"));
            assertThat(h.awaitFrame(s, f -> f.path("op").textValue().equals("pong") && !f.has("id"))).isEqualTo(tree("{'op':'pong'}"));
        }

        @Test
        void aBadFrameGetsAnErrorAndTheSessionStaysUsable() {
            harness();
            RecordingSession s = h.open("alice");
            assertThat(h.request(s, 3, q("{'op':'publish','id':3,'room':'r'}"))).isEqualTo(error(3, ErrorCode.BAD_REQUEST, "missing field 'data'"));
            h.frame(s, "{not json");
            JsonNode malformed = h.awaitFrame(s, f -> f.path("op").textValue().equals("error") && !f.has("id"));
            assertThat(malformed.get("code").textValue()).isEqualTo("bad_request");
            assertThat(h.request(s, 4, q("{'op':'ping','id':4}"))).isEqualTo(tree("{'op':'pong','id':4}"));
            assertThat(s.closeCode()).isNull();
        }

        @Test
        void historyReturnsMessageFramesWithLimitKeepingTheNewest() {
            harness();
            List<Message> placed = new ArrayList<>();
            for (int i = 1; i <= 3; i++) {
                placed.add(h.publish("chat", i));
            }
            RecordingSession s = h.open("alice");
            JsonNode history = h.request(s, 4, q("{'op':'history','id':4,'room':'chat','limit':2}"));
            ObjectNode expected = Wire.object(q("{'op':'history','id':4,'room':'chat','epoch':'" + placed.get(0).epoch() + "','offset':3}"));
            expected.putArray("messages").add(expected(placed.get(1))).add(expected(placed.get(2)));
            assertThat(history).isEqualTo(expected);

            JsonNode since = h.request(s, 5, q("{'op':'history','id':5,'room':'chat','since':{'epoch':'" + placed.get(0).epoch() + "','offset':2}}"));
            assertThat(since.get("messages")).containsExactly(expected(placed.get(2)));
            assertThat(s.rooms()).as("history does not subscribe").isEmpty();
        }

        @Test
        void aPublishFromAnAnonymousSessionHasNoFrom() {
            harness();
            RecordingSession listener = h.open("alice");
            subscribe(listener, 1, "r");
            RecordingSession anonymous = h.open(1, null, Encoding.MSGPACK);
            assertThat(h.request(anonymous, 2, q("{'op':'publish','id':2,'room':'r','data':'x'}"))).isEqualTo(tree("{'op':'ack','id':2,'offset':1}"));
            assertThat(h.awaitFrame(listener, f -> f.path("op").textValue().equals("message")).has("from")).isFalse();
        }
    }

    @Nested
    class Failures {
        @Test
        void aBusThatCannotPublishGivesUnavailableAndNoAck() {
            harness();
            RecordingSession listener = h.open("alice");
            subscribe(listener, 1, "r");
            RecordingSession publisher = h.open(1, "bob", Encoding.JSON);
            h.bus.failPublishes(true);

            JsonNode reply = h.request(publisher, 5, q("{'op':'publish','id':5,'room':'r','data':1}"));
            assertThat(reply).isEqualTo(error(5, ErrorCode.UNAVAILABLE, "the cluster bus is unavailable; nothing was accepted"));
            h.settle();
            assertThat(publisher.frames("ack")).isEmpty();
            assertThat(listener.frames("message")).isEmpty();
            assertThat(h.position("r").offset()).isZero();

            h.bus.failPublishes(false);
            assertThat(h.request(publisher, 6, q("{'op':'publish','id':6,'room':'r','data':1}"))).isEqualTo(tree("{'op':'ack','id':6,'offset':1}"));
            assertThat(h.bridge.publish(Message.toRoom("r", Payload.of(IntNode.valueOf(2)), null, Priority.NORMAL)).toCompletableFuture().join().offset()).isEqualTo(2);
        }

        @Test
        void anAuthorizerThatRefusesGivesForbidden() {
            Authorizer authorizer = new Authorizer() {
                @Override
                public boolean canSubscribe(Principal principal, String room) {
                    return !room.equals("vault");
                }

                @Override
                public boolean canPublish(Principal principal, String room) {
                    return !room.equals("secret") || "admin".equals(principal.userId());
                }
            };
            h = new HubHarness(2, b -> b.authorizer(authorizer));
            RecordingSession s = h.open("alice");
            RecordingSession admin = h.open(1, "admin", Encoding.JSON);
            subscribe(s, 1, "secret");

            assertThat(h.request(s, 2, q("{'op':'publish','id':2,'room':'secret','data':1}")))
                    .isEqualTo(error(2, ErrorCode.FORBIDDEN, "no publish permission on room 'secret'"));
            assertThat(h.position("secret").offset()).as("nothing published").isZero();
            assertThat(h.request(admin, 2, q("{'op':'publish','id':2,'room':'secret','data':1}"))).isEqualTo(tree("{'op':'ack','id':2,'offset':1}"));

            assertThat(subscribe(s, 3, "vault")).isEqualTo(error(3, ErrorCode.FORBIDDEN, "no subscribe permission on room 'vault'"));
            assertThat(s.rooms()).containsExactly("secret");
            assertThat(h.bus.calls()).doesNotContain("subscribeRoom vault");
            assertThat(h.request(s, 4, q("{'op':'presence','id':4,'room':'vault'}")))
                    .isEqualTo(error(4, ErrorCode.FORBIDDEN, "no subscribe permission on room 'vault'"));
            assertThat(h.request(s, 5, q("{'op':'history','id':5,'room':'vault'}")))
                    .isEqualTo(error(5, ErrorCode.FORBIDDEN, "no subscribe permission on room 'vault'"));
        }
    }

    @Nested
    class ApplicationOps {
        private final ExecutorService worker = Executors.newSingleThreadExecutor(r -> new Thread(r, "test-app-worker"));

        @AfterEach
        void stopWorker() {
            worker.shutdownNow();
        }

        private void withOps(Map<String, OpHandler> ops) {
            h = new HubHarness(1, b -> b.ops(ops));
        }

        @Test
        void theHandlersResultBecomesAReply() {
            withOps(Map.of("echo", (session, frame) -> CompletableFuture.completedFuture(
                    Wire.object("{}").put("user", session.userId()).set("x", frame.get("x")))));
            RecordingSession s = h.open("alice");
            assertThat(h.request(s, 9, q("{'op':'echo','id':9,'x':[1,2]}"))).isEqualTo(tree("{'op':'reply','id':9,'data':{'user':'alice','x':[1,2]}}"));
        }

        @Test
        void aResultThatCompletesLaterOnAnotherThreadIsRepliedOnTheLoop() {
            withOps(Map.of("slow", (session, frame) -> CompletableFuture.supplyAsync(() -> (JsonNode) IntNode.valueOf(42), worker)));
            RecordingSession s = h.open("alice");
            assertThat(h.request(s, 3, q("{'op':'slow','id':3}"))).isEqualTo(tree("{'op':'reply','id':3,'data':42}"));
        }

        @Test
        void aNullResultSendsNoReply() {
            withOps(Map.of("quiet", (session, frame) -> null,
                    "nothing", (session, frame) -> CompletableFuture.completedFuture(null)));
            RecordingSession s = h.open("alice");
            h.frame(s, q("{'op':'quiet','id':1}"));
            h.frame(s, q("{'op':'nothing','id':2}"));
            h.settle();
            assertThat(s.framesAfterWelcome()).isEmpty();
        }

        @Test
        void aProtocolErrorFromTheHandlerIsSentAsIs() {
            withOps(Map.of(
                    "deny", (session, frame) -> CompletableFuture.failedFuture(new ProtocolException(ErrorCode.FORBIDDEN, "not yours")),
                    "throw", (session, frame) -> {
                        throw new ProtocolException(ErrorCode.RATE_LIMITED, "slow down");
                    }));
            RecordingSession s = h.open("alice");
            assertThat(h.request(s, 1, q("{'op':'deny','id':1}"))).isEqualTo(error(1, ErrorCode.FORBIDDEN, "not yours"));
            assertThat(h.request(s, 2, q("{'op':'throw','id':2}"))).isEqualTo(error(2, ErrorCode.RATE_LIMITED, "slow down"));
        }

        @Test
        void anyOtherFailureOfTheHandlerIsInternal() {
            // OpHandler: "completing it exceptionally with a ProtocolException sends that error, anything else internal".
            withOps(Map.of(
                    "broken", (session, frame) -> CompletableFuture.failedFuture(new IllegalStateException("app bug")),
                    "brokenLater", (session, frame) -> CompletableFuture.supplyAsync(() -> {
                        throw new IllegalStateException("app bug");
                    }, worker),
                    "throws", (session, frame) -> {
                        throw new IllegalStateException("app bug");
                    }));
            RecordingSession s = h.open("alice");
            assertThat(h.request(s, 1, q("{'op':'broken','id':1}")).get("code").textValue()).isEqualTo("internal");
            assertThat(h.request(s, 2, q("{'op':'brokenLater','id':2}")).get("code").textValue()).isEqualTo("internal");
            assertThat(h.request(s, 3, q("{'op':'throws','id':3}")).get("code").textValue()).isEqualTo("internal");
            for (JsonNode e : s.frames("error")) {
                assertThat(e.get("message").textValue()).doesNotContain("app bug").doesNotContain("bus");
            }
        }

        @Test
        void anUnknownOpWithoutHandlerIsABadRequest() {
            withOps(Map.of());
            RecordingSession s = h.open("alice");
            assertThat(h.request(s, 7, q("{'op':'nope','id':7}"))).isEqualTo(error(7, ErrorCode.BAD_REQUEST, "unknown op 'nope'"));
        }
    }

    @Nested
    class SharedFrames {
        @Test
        void aBroadcastIsEncodedOncePerEncodingAndReleasedAfterDelivery() {
            harness();
            List<RecordingSession> sessions = List.of(h.open(0, "a", Encoding.JSON), h.open(0, "b", Encoding.MSGPACK),
                    h.open(1, "c", Encoding.JSON), h.open(1, "d", Encoding.MSGPACK));
            h.settle();
            int allocatedBefore = h.alloc.allocated().size();

            Message m = Message.toAll(Payload.of(Wire.tree(q("{'n':[1,2,3]}"))), "ops", Priority.NORMAL);
            h.bridge.broadcast(m).toCompletableFuture().join();
            for (RecordingSession s : sessions) {
                assertThat(h.awaitFrame(s, f -> f.path("op").textValue().equals("message"))).isEqualTo(expected(m));
            }
            h.settle();
            assertThat(h.alloc.allocated().size() - allocatedBefore).as("one buffer per encoding")
                    .isEqualTo(buffersPerMessage(sessions));
            assertThat(h.alloc.unreleased()).isEmpty();
        }

        /** A shared message allocates one buffer per encoding in use: the frame, its payload a view of it. */
        private long buffersPerMessage(List<RecordingSession> receivers) {
            return receivers.stream().map(RecordingSession::encoding).distinct().count();
        }

        @Test
        void aRoomMessageIsReleasedWhetherOneShardOrBothHoldIt() {
            harness();
            RecordingSession onlyOnLoop1 = h.open(1, "a", Encoding.JSON);
            subscribe(onlyOnLoop1, 1, "one");
            RecordingSession x = h.open(0, "x", Encoding.MSGPACK);
            RecordingSession y = h.open(1, "y", Encoding.MSGPACK);
            subscribe(x, 1, "both");
            subscribe(y, 1, "both");
            h.settle();
            int allocatedBefore = h.alloc.allocated().size();

            Message one = h.publish("one", 1);
            Message both = h.publish("both", 2);
            h.publish("nobody", 3);
            assertThat(h.awaitFrame(onlyOnLoop1, f -> f.path("op").textValue().equals("message"))).isEqualTo(expected(one));
            assertThat(h.awaitFrame(x, f -> f.path("op").textValue().equals("message"))).isEqualTo(expected(both));
            assertThat(h.awaitFrame(y, f -> f.path("op").textValue().equals("message"))).isEqualTo(expected(both));
            h.settle();
            assertThat(h.alloc.allocated().size() - allocatedBefore).as("each message encoded and framed once")
                    .isEqualTo(buffersPerMessage(List.of(onlyOnLoop1)) + buffersPerMessage(List.of(x, y)));
            h.bridge.onDeliveryInterrupted(); // the rooms' recent frames keep them for recovery until dropped
            h.settle();
            assertThat(h.alloc.unreleased()).isEmpty();
        }

        @Test
        void aMessageForPendingSubscribersOnlyIsStillReleased() {
            harness();
            h.bus.holdAnswers();
            RecordingSession s = h.open("alice");
            h.frame(s, q("{'op':'subscribe','id':1,'room':'r'}"));
            h.bus.completeOn(null);
            h.publish("r", 1); // buffered by the pending subscription, and already in history
            h.settle();
            assertThat(h.alloc.unreleased()).isEmpty();

            assertThat(h.bus.releaseHeld()).isPositive();
            JsonNode reply = h.awaitFrame(s, f -> f.path("op").textValue().equals("subscribed"));
            assertThat(reply.get("offset").longValue()).isEqualTo(1);
            h.settle();
            assertThat(s.frames("message")).as("the buffered message is older than the reply's offset").isEmpty();
        }
    }
}

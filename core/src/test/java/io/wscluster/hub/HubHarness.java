package io.wscluster.hub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.IntNode;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.ByteBuf;
import io.wscluster.bus.LocalBus;
import io.wscluster.history.LocalHistory;
import io.wscluster.metrics.NodeMetrics;
import io.wscluster.presence.LocalPresenceStore;
import io.wscluster.codec.ClientFrame;
import io.wscluster.codec.Encoding;
import io.wscluster.codec.FrameParser;
import io.wscluster.codec.Message;
import io.wscluster.codec.Payload;
import io.wscluster.protocol.Priority;
import io.wscluster.protocol.ProtocolException;
import io.wscluster.protocol.StreamPosition;
import io.wscluster.resources.NodeResources;
import io.wscluster.security.Principal;
import io.wscluster.testsupport.TrackingAllocator;
import io.wscluster.testsupport.Wire;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.awaitility.core.ConditionFactory;

/**
 * A hub on a real {@link LocalBus} (behind a {@link RecordingBus}), with {@code loops} shards, each
 * owned by a single-thread executor standing in for an event loop. Every session call runs on its
 * session's loop, as the transport does it.
 */
final class HubHarness implements AutoCloseable {
    static final Duration WAIT = Duration.ofSeconds(5);
    static final String NODE = "node-1";

    final TrackingAllocator alloc = new TrackingAllocator();
    final LocalHistory history = new LocalHistory(10_000, Duration.ofMinutes(5));
    final NodeResources node = NodeResources.create(NODE);
    final RecordingBus bus = new RecordingBus(new LocalBus(history, node.scheduler()));
    final LocalPresenceStore presence = new LocalPresenceStore();
    final NodeMetrics metrics = new NodeMetrics(new SimpleMeterRegistry());
    final ExecutorService elsewhere = Executors.newSingleThreadExecutor(r -> new Thread(r, "test-elsewhere"));
    final Hub hub;
    final BusBridge bridge;
    final ClientRequests requests;
    final List<Loop> loops = new ArrayList<>();
    final List<RecordingSession> sessions = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final AtomicInteger sessionIds = new AtomicInteger();

    /** One event loop: a single thread and the shard it owns. */
    static final class Loop {
        final ExecutorService executor;
        final HubShard shard;
        private final AtomicReference<Thread> thread = new AtomicReference<>();

        Loop(Hub hub, int index) {
            executor = Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, "test-loop-" + index);
                thread.set(t);
                return t;
            });
            shard = hub.newShard(executor, () -> Thread.currentThread() == thread.get());
        }

        <T> T call(Callable<T> task) {
            try {
                return executor.submit(task).get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (Exception e) {
                throw new AssertionError("loop task failed", e);
            }
        }

        void run(Runnable task) {
            call(() -> {
                task.run();
                return null;
            });
        }
    }

    HubHarness(int loops) {
        this(loops, b -> { });
    }

    HubHarness(int loops, Consumer<HubConfig.Builder> customize) {
        HubConfig.Builder b = HubConfig.builder().nodeId(NODE).bus(bus).presence(presence).metrics(metrics).alloc(alloc);
        customize.accept(b);
        HubConfig config = b.build();
        hub = new Hub(config);
        bridge = new BusBridge(config, hub);
        requests = new ClientRequests(config, hub, bridge);
        for (int i = 0; i < loops; i++) {
            this.loops.add(new Loop(hub, i));
        }
    }

    Loop loop(int i) {
        return loops.get(i);
    }

    Loop loopOf(Session s) {
        return loops.stream().filter(l -> l.shard == s.shard).findFirst().orElseThrow();
    }

    Loop loopOf(RecordingSession s) {
        return loopOf(s.session);
    }

    /** Opens a JSON session of {@code user} (null: anonymous) on loop 0. */
    RecordingSession open(String user) {
        return open(0, user, Encoding.JSON);
    }

    RecordingSession open(int loop, String user, Encoding encoding) {
        return open(loop, user, encoding, SessionRecord.NEW);
    }

    RecordingSession open(int loop, String user, Encoding encoding, SessionRecord record) {
        Principal principal = user == null ? Principal.ANONYMOUS : new Principal(user, 0);
        long n = sessionIds.incrementAndGet();
        // Every other session takes pre-framed messages, as an uncompressed connection does.
        RecordingSession s = new RecordingSession("s" + n, principal, encoding, alloc, record).framed(n % 2 == 0);
        sessions.add(s);
        Loop l = loop(loop);
        l.run(() -> requests.open(s.session, l.shard));
        return s;
    }

    /** Hands {@code json} to the hub as the transport does: parsed in the session's encoding, on its loop. */
    void frame(RecordingSession s, String json) {
        loopOf(s).run(receive(s, json));
    }

    /** Like {@link #frame} but returns at once: the loop handles the frame whenever it gets to it. */
    void frameLater(RecordingSession s, String json) {
        loopOf(s).executor.execute(receive(s, json));
    }

    private Runnable receive(RecordingSession s, String json) {
        ByteBuf bytes = Wire.bytes(s.encoding(), json);
        return () -> {
            try {
                ClientFrame frame;
                try {
                    frame = FrameParser.parse(s.encoding(), bytes);
                } catch (ProtocolException e) {
                    requests.reject(s.session, e, bytes.readableBytes());
                    return;
                }
                requests.onFrame(s.session, frame, bytes.readableBytes());
            } finally {
                bytes.release();
            }
        };
    }

    /** Sends a request and waits for the frame that answers its {@code id}. */
    JsonNode request(RecordingSession s, long id, String json) {
        frame(s, json);
        return awaitFrame(s, f -> !f.path("op").textValue().equals("message") && f.path("id").longValue() == id);
    }

    void closed(RecordingSession s) {
        loopOf(s).run(() -> requests.closed(s.session));
    }

    /** Awaitility bounded by {@link #WAIT}, polling often (deliveries take microseconds). */
    static ConditionFactory waiting() {
        return await().atMost(WAIT).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(2));
    }

    /** Waits for the first frame matching {@code match} and returns it. */
    JsonNode awaitFrame(RecordingSession s, Predicate<JsonNode> match) {
        AtomicReference<JsonNode> found = new AtomicReference<>();
        waiting().until(() -> {
            s.frames().stream().filter(match).findFirst().ifPresent(found::set);
            return found.get() != null;
        });
        return found.get();
    }

    /**
     * Waits until every loop has run everything queued so far, including tasks those tasks queue
     * (a delivery queues a flush, a hop queues a send). Used before asserting that nothing arrives.
     */
    void settle() {
        for (int round = 0; round < 3; round++) {
            for (Loop l : loops) {
                l.run(() -> { });
            }
            try {
                elsewhere.submit(() -> { }).get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        }
    }

    /** Publishes {@code value} to {@code room} as a server-side sender and returns the placed message. */
    Message publish(String room, int value) {
        return bridge.publish(Message.toRoom(room, Payload.of(IntNode.valueOf(value)), null, Priority.NORMAL))
                .toCompletableFuture().join();
    }

    StreamPosition position(String room) {
        return history.position(room).toCompletableFuture().join();
    }

    /** The JSON tree a session must receive for {@code m}. */
    static JsonNode expected(Message m) {
        return Wire.encodeToTree(Encoding.JSON, m);
    }

    void assertNoBufferLeft() {
        settle();
        bridge.onDeliveryInterrupted(); // the recent frames rooms keep for recovery hold their buffers until dropped
        settle();
        assertThat(alloc.unreleased()).as("buffers still referenced after delivery").isEmpty();
    }

    void assertNoWriteOffLoop() {
        for (RecordingSession s : sessions) {
            assertThat(s.writesOffLoop()).as("writes to %s off its loop", s.id()).isZero();
        }
    }

    @Override
    public void close() {
        for (Loop l : loops) {
            l.executor.shutdownNow();
        }
        elsewhere.shutdownNow();
        bus.close();
        node.close();
    }
}

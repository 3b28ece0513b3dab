package io.wscluster.bus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.IntNode;
import io.wscluster.history.LocalHistory;
import io.wscluster.codec.Message;
import io.wscluster.codec.Payload;
import io.wscluster.protocol.Priority;
import io.wscluster.resources.NodeResources;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class LocalBusTest {
    private final LocalHistory history = new LocalHistory(10, Duration.ofMinutes(5));
    private final NodeResources node = NodeResources.create("test");
    private final LocalBus sut = new LocalBus(history, node.scheduler());
    private final Recorder listener = new Recorder();

    /** Records every delivery, and the most calls ever in flight at once for one room. */
    static final class Recorder implements BusListener {
        final List<Message> rooms = new CopyOnWriteArrayList<>();
        final List<Message> users = new CopyOnWriteArrayList<>();
        final List<Message> broadcasts = new CopyOnWriteArrayList<>();
        final Map<String, AtomicInteger> inFlight = new ConcurrentHashMap<>();
        final AtomicInteger maxInFlightPerRoom = new AtomicInteger();

        @Override
        public void onRoomMessage(Message message) {
            AtomicInteger n = inFlight.computeIfAbsent(message.room(), r -> new AtomicInteger());
            maxInFlightPerRoom.accumulateAndGet(n.incrementAndGet(), Math::max);
            rooms.add(message);
            n.decrementAndGet();
        }

        @Override
        public void onUserMessage(Message message) {
            users.add(message);
        }

        @Override
        public void onBroadcast(Message message) {
            broadcasts.add(message);
        }

        List<Long> offsets(String room) {
            return rooms.stream().filter(m -> m.room().equals(room)).map(Message::offset).toList();
        }
    }

    private static Message toRoom(String room, int value) {
        return Message.toRoom(room, Payload.of(IntNode.valueOf(value)), "alice", Priority.NORMAL);
    }

    private static Message toUser(String user) {
        return Message.toUser(user, Payload.of(IntNode.valueOf(1)), "bob", Priority.NORMAL);
    }

    private static <T> T done(java.util.concurrent.CompletionStage<T> stage) {
        var f = stage.toCompletableFuture();
        assertThat(f).as("LocalBus completes at once").isDone();
        return f.join();
    }

    @BeforeEach
    void start() {
        sut.start(listener);
    }

    @AfterEach
    void close() {
        sut.close();
        node.close();
    }

    @Test
    void onlySubscribedRoomsAreDelivered() {
        done(sut.subscribeRoom("a"));
        done(sut.publish(toRoom("a", 1)));
        done(sut.publish(toRoom("b", 1)));
        assertThat(listener.rooms).extracting(Message::room).containsExactly("a");

        done(sut.unsubscribeRoom("a"));
        done(sut.publish(toRoom("a", 2)));
        assertThat(listener.rooms).hasSize(1);
    }

    @Test
    void publishStoresEvenWithoutSubscribers() {
        Message placed = done(sut.publish(toRoom("quiet", 1)));
        assertThat(listener.rooms).isEmpty();
        assertThat(done(sut.history().read("quiet", null, 0)).messages()).containsExactly(placed);
        assertThat(sut.history()).isSameAs(history);
    }

    @Test
    void publishReturnsThePlacedMessage() {
        done(sut.subscribeRoom("a"));
        Message original = toRoom("a", 7);
        Message placed = done(sut.publish(original));
        assertThat(placed.offset()).isEqualTo(1);
        assertThat(placed.epoch()).isEqualTo(done(history.position("a")).epoch());
        assertThat(placed).isEqualTo(original.at(placed.epoch(), 1));
        assertThat(listener.rooms).containsExactly(placed);
        assertThat(done(sut.publish(toRoom("a", 8))).offset()).isEqualTo(2);
    }

    @Test
    void onlySubscribedUsersAreDelivered() {
        done(sut.subscribeUser("alice"));
        done(sut.send(toUser("alice")));
        done(sut.send(toUser("bob")));
        assertThat(listener.users).extracting(Message::user).containsExactly("alice");

        done(sut.unsubscribeUser("alice"));
        done(sut.send(toUser("alice")));
        assertThat(listener.users).hasSize(1);
    }

    @Test
    void broadcastsAlwaysArrive() {
        Message m = Message.toAll(Payload.of(IntNode.valueOf(1)), null, Priority.HIGH);
        done(sut.broadcast(m));
        assertThat(listener.broadcasts).containsExactly(m);
        assertThat(listener.rooms).isEmpty();
        assertThat(listener.users).isEmpty();
    }

    @Test
    void eachMethodTakesOnlyItsOwnTarget() {
        assertThatThrownBy(() -> sut.publish(toUser("alice"))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> sut.send(toRoom("a", 1))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> sut.broadcast(toRoom("a", 1))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void subscriptionsAreNotCounted() {
        done(sut.subscribeRoom("a"));
        done(sut.subscribeRoom("a"));
        done(sut.unsubscribeRoom("a"));
        done(sut.publish(toRoom("a", 1)));
        assertThat(listener.rooms).isEmpty();
    }

    @Test
    @Timeout(10)
    void perRoomDeliveryOrderIsOffsetOrderUnderConcurrentPublishers() throws Exception {
        int threads = 4;
        int perThread = 1_000;
        List<String> rooms = List.of("x", "y");
        for (String room : rooms) {
            done(sut.subscribeRoom(room));
        }
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                done.add(pool.submit(() -> {
                    go.await();
                    for (int i = 0; i < perThread; i++) {
                        sut.publish(toRoom(rooms.get(i % rooms.size()), i));
                    }
                    return null;
                }));
            }
            go.countDown();
            for (Future<?> f : done) {
                f.get(10, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        long perRoom = (long) threads * perThread / rooms.size();
        for (String room : rooms) {
            assertThat(listener.offsets(room)).as(room)
                    .containsExactlyElementsOf(LongStream.rangeClosed(1, perRoom).boxed().toList());
        }
        assertThat(listener.maxInFlightPerRoom).as("never two calls at once for one room").hasValue(1);
    }
}

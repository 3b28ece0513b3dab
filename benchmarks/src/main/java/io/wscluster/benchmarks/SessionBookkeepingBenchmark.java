package io.wscluster.benchmarks;

import com.fasterxml.jackson.databind.node.IntNode;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.wscluster.bus.LocalBus;
import io.wscluster.failover.SessionStore;
import io.wscluster.failover.StoredSessions;
import io.wscluster.history.LocalHistory;
import io.wscluster.hub.BusBridge;
import io.wscluster.hub.ClientRequests;
import io.wscluster.hub.Hub;
import io.wscluster.hub.HubConfig;
import io.wscluster.hub.HubShard;
import io.wscluster.hub.Session;
import io.wscluster.metrics.NodeMetrics;
import io.wscluster.presence.LocalPresenceStore;
import io.wscluster.codec.ClientFrame;
import io.wscluster.codec.Message;
import io.wscluster.codec.Payload;
import io.wscluster.protocol.Priority;
import io.wscluster.resources.NodeResources;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What keeping sessions resumable costs a node, against what delivering costs it: {@code
 * recordPositions} is the once-per-heartbeat pass over every live subscription that finds, per
 * room, where the node's sessions may resume (the only bookkeeping left: nothing runs per delivered
 * message); {@code deliver} is one room message fanned out to the room's local subscribers, in the
 * hub, without sockets. One shard, everything on the calling thread.
 *
 * <pre>java -jar benchmarks/target/benchmarks.jar SessionBookkeeping</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class SessionBookkeepingBenchmark {
    @Param({"1000", "10000", "100000"})
    int subscriptions;

    @Param({"1", "1000"})
    int rooms;

    private Hub hub;
    private BusBridge bridge;
    private StoredSessions sessions;
    private NodeResources node;
    private LocalBus bus;
    private int next;

    @Setup(Level.Trial)
    public void setUp() {
        node = NodeResources.create("bench");
        bus = new LocalBus(new LocalHistory(100, Duration.ofMinutes(5)), node.scheduler());
        sessions = new StoredSessions(SessionStore.NONE);
        HubConfig config = HubConfig.builder().nodeId("bench").bus(bus).presence(new LocalPresenceStore())
                .records(sessions).metrics(new NodeMetrics(new SimpleMeterRegistry())).build();
        hub = new Hub(config);
        bridge = new BusBridge(config, hub);
        ClientRequests requests = new ClientRequests(config, hub, bridge);
        HubShard shard = hub.newShard(Runnable::run, () -> true);
        for (int i = 0; i < subscriptions; i++) {
            Session s = QuietSession.open("s" + i);
            requests.open(s, shard);
            requests.onFrame(s, new ClientFrame.Subscribe(1, room(i), null));
        }
        for (int r = 0; r < rooms; r++) {
            publish(r); // every room has a position
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        bus.close();
        node.close();
    }

    /** Once per heartbeat: the pass that finds each room's resume position. */
    @Benchmark
    public Object recordPositions() {
        return sessions.recordPositions(hub).toCompletableFuture().join();
    }

    /** One message to a room of {@code subscriptions / rooms} local subscribers. */
    @Benchmark
    public Message deliver() {
        return publish(next++ % rooms);
    }

    private Message publish(int room) {
        return bridge.publish(Message.toRoom(room(room), Payload.of(IntNode.valueOf(room)), null, Priority.NORMAL)).toCompletableFuture().join();
    }

    private String room(int i) {
        return "room-" + (i % rooms);
    }
}

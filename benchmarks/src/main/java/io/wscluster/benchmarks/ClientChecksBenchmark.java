package io.wscluster.benchmarks;

import com.fasterxml.jackson.databind.node.TextNode;
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
import io.wscluster.hub.SessionRecord;
import io.wscluster.metrics.NodeMetrics;
import io.wscluster.presence.LocalPresenceStore;
import io.wscluster.codec.ClientFrame;
import io.wscluster.codec.Encoding;
import io.wscluster.protocol.Priority;
import io.wscluster.resources.NodeResources;
import io.wscluster.security.AddressLimits;
import io.wscluster.security.ClientLimits;
import io.wscluster.security.ConnectionLimiter;
import io.wscluster.security.Principal;
import io.wscluster.security.RoomAccess;
import io.wscluster.security.RoomPolicy;
import io.wscluster.security.TrustedProxies;
import io.wscluster.security.UserLimits;
import java.time.Duration;
import java.util.List;
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
 * What the per-client limits and the room rules cost on the fast path: the limits on ({@code
 * checked}) or off ({@code none}), and the rooms open to anyone ({@code open}) or, with {@code
 * granted}, five namespaces configured and the room's namespace publishable only by a grant, which
 * the publisher's token has as the last of ten wildcard patterns (the slowest match):
 *
 * <ul>
 *   <li>{@code publish}: one client's {@code publish} request, from the parsed frame to the
 *       message stored and delivered to the room's {@code subscribers} local subscribers, in the
 *       hub without sockets (one shard, everything on the calling thread). With {@code checked},
 *       every limit a publish passes is on (pending requests, the connection's message and byte
 *       buckets, the user's bucket, the rooms a minute) with rates too high to refuse, so that
 *       each check runs and passes; the teardown fails the run if any publish was refused;
 *   <li>{@code connect}: what a connection's address and user limits cost it once, from the
 *       accept to the close (zero work with {@code none}).
 * </ul>
 *
 * <pre>java -jar benchmarks/target/benchmarks.jar ClientChecksBenchmark</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class ClientChecksBenchmark {
    private static final int NO_REFUSAL = 1_000_000_000;

    @Param({"none", "checked"})
    String limits;

    @Param({"open", "granted"})
    String rules;

    @Param({"1", "10"})
    int subscribers;

    private NodeResources node;
    private LocalBus bus;
    private ClientRequests requests;
    private Session publisher;
    private ConnectionLimiter connections;
    private final ClientFrame.Publish frame = new ClientFrame.Publish(0, "room", TextNode.valueOf("x".repeat(100)), Priority.NORMAL);
    private long published;

    @Setup(Level.Trial)
    public void setUp() {
        boolean checked = limits.equals("checked");
        node = NodeResources.create("bench");
        bus = new LocalBus(new LocalHistory(100, Duration.ofMinutes(5)), node.scheduler());
        HubConfig config = HubConfig.builder().nodeId("bench").bus(bus).presence(new LocalPresenceStore())
                .records(new StoredSessions(SessionStore.NONE)).metrics(new NodeMetrics(new SimpleMeterRegistry()))
                .limits(checked ? new ClientLimits(ClientLimits.DEFAULT_MAX_SUBSCRIPTIONS, NO_REFUSAL, NO_REFUSAL,
                        ClientLimits.DEFAULT_ROOMS_PER_MINUTE, ClientLimits.DEFAULT_MAX_PENDING) : ClientLimits.NONE)
                .userLimits(checked ? new UserLimits(UserLimits.DEFAULT_MAX_CONNECTIONS, NO_REFUSAL) : UserLimits.NONE)
                .rooms(rules.equals("granted") ? RoomPolicyBenchmark.policy(RoomAccess.GRANTED, 5) : RoomPolicy.OPEN)
                .build();
        Hub hub = new Hub(config);
        requests = new ClientRequests(config, hub, new BusBridge(config, hub));
        HubShard shard = hub.newShard(Runnable::run, () -> true);
        for (int i = 0; i < subscribers; i++) {
            Session s = QuietSession.open("s" + i);
            requests.open(s, shard);
            requests.onFrame(s, new ClientFrame.Subscribe(1, "room", null));
        }
        publisher = new Session("publisher", rules.equals("granted") ? RoomPolicyBenchmark.grantedByTheLastOfTen("ro*")
                : new Principal("alice", 0),
                Encoding.JSON, new QuietSession(), SessionRecord.NEW);
        requests.open(publisher, shard);
        AddressLimits addresses = checked ? new AddressLimits(AddressLimits.DEFAULT_MAX_CONNECTIONS, NO_REFUSAL, List.of())
                : new AddressLimits(0, 0, List.of());
        connections = new ConnectionLimiter(addresses, checked ? UserLimits.DEFAULT : UserLimits.NONE, new TrustedProxies(List.of()),
                reason -> {
                    throw new IllegalStateException("refused: " + reason);
                });
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        long stored = bus.history().position("room").toCompletableFuture().join().offset();
        bus.close();
        node.close();
        if (stored != published) {
            throw new IllegalStateException(published + " publishes but " + stored + " stored: the limits or rules refused some");
        }
    }

    /** One publish from a parsed frame of 100 bytes of data to the room's local subscribers. */
    @Benchmark
    public void publish() {
        published++;
        requests.onFrame(publisher, frame, 140);
    }

    /** A connection's address and user limits, from the accept to the close. */
    @Benchmark
    public Object connect() {
        ConnectionLimiter.Ticket ticket = connections.accept("192.0.2.7");
        Object refusal = ticket.admitAddress("192.0.2.7");
        Object user = ticket.admitUser("alice");
        ticket.release();
        return refusal == null ? user : refusal;
    }
}

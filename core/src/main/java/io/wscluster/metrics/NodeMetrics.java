package io.wscluster.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.wscluster.protocol.CloseCode;
import io.wscluster.codec.ClientFrame;
import io.wscluster.protocol.ErrorCode;
import io.wscluster.codec.Message;
import io.wscluster.protocol.Priority;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * The meters of one node. Counters are {@link LongAdder}s read by Micrometer function counters, so
 * the hot path pays one uncontended add and no meter lookup.
 */
public final class NodeMetrics {
    public static final String CONNECTIONS = "wsc_connections";
    public static final String CONNECTIONS_OPENED = "wsc_connections_opened";
    public static final String CONNECTIONS_CLOSED = "wsc_connections_closed";
    public static final String MESSAGES_IN = "wsc_messages_in";
    public static final String MESSAGES_OUT = "wsc_messages_out";
    public static final String BYTES_IN = "wsc_bytes_in";
    public static final String BYTES_OUT = "wsc_bytes_out";
    public static final String PUBLISHED = "wsc_messages_published";
    public static final String ERRORS = "wsc_errors";
    public static final String SLOW_CONSUMERS = "wsc_slow_consumers_closed";
    public static final String ABUSE_CLOSES = "wsc_abuse_closes";
    public static final String SHED = "wsc_upgrades_shed";
    public static final String OVERFLOW_DROPPED = "wsc_overflow_dropped";
    public static final String CONNECTIONS_REFUSED = "wsc_connections_refused";
    public static final String ROOMS = "wsc_rooms";
    public static final String STREAM_REPAIRS = "wsc_stream_repairs";
    public static final String STREAM_RESTARTS = "wsc_stream_restarts";
    public static final String DIRECT_GAPS = "wsc_direct_gaps";
    public static final String RECOVERY_CACHE = "wsc_recovery_cache";
    public static final String RECOVERY_CACHE_FRAMES = "wsc_recovery_cache_frames";
    public static final String RECOVERY_CACHE_BYTES = "wsc_recovery_cache_bytes";
    public static final String DELIVERY_LATENCY = "wsc_delivery_latency";
    public static final String PUBLISH_LATENCY = "wsc_publish_latency";
    /** The percentiles latency timers publish, over a sliding window of {@link #LATENCY_WINDOW}. */
    private static final double[] PERCENTILES = {0.5, 0.95, 0.99};
    private static final java.time.Duration LATENCY_WINDOW = java.time.Duration.ofMinutes(1);

    private final AtomicInteger connections = new AtomicInteger();
    private final LongAdder opened = new LongAdder();
    private final Map<CloseCode, LongAdder> closedByServer = new EnumMap<>(CloseCode.class);
    private final LongAdder closedByClient = new LongAdder();
    private final LongAdder[] messagesIn = adders(InKind.values().length * (Priority.values().length + 1));
    private final LongAdder[] messagesOut = adders(Message.Target.values().length * Priority.values().length);
    private final LongAdder bytesIn = new LongAdder();
    private final LongAdder bytesOut = new LongAdder();
    private final LongAdder published = new LongAdder();
    private final LongAdder slowConsumers = new LongAdder();
    private final LongAdder recoveryHits = new LongAdder();
    private final LongAdder recoveryMisses = new LongAdder();
    private final Map<ErrorCode, LongAdder> errors = new EnumMap<>(ErrorCode.class);
    private final MeterRegistry registry;
    private final io.micrometer.core.instrument.Timer deliveryLatency;
    private final io.micrometer.core.instrument.Timer publishLatency;

    public NodeMetrics(MeterRegistry registry) {
        this.registry = registry;
        Gauge.builder(CONNECTIONS, connections, AtomicInteger::get)
                .description("Open WebSocket connections").register(registry);
        counter(CONNECTIONS_OPENED, "WebSocket connections accepted", opened);
        closedCounter("client", closedByClient);
        for (CloseCode code : CloseCode.values()) {
            LongAdder adder = new LongAdder();
            closedByServer.put(code, adder);
            closedCounter(code.name().toLowerCase(java.util.Locale.ROOT), adder);
        }
        for (InKind kind : InKind.values()) {
            for (int p = 0; p <= Priority.values().length; p++) {
                String priority = p == Priority.values().length ? "none" : Priority.values()[p].wireName();
                if (kind.carriesMessage() == (p < Priority.values().length)) {
                    io.micrometer.core.instrument.FunctionCounter.builder(MESSAGES_IN, messagesIn[inIndex(kind, p)], LongAdder::sum)
                            .description("Frames received from clients, by kind (the request's op, or invalid) and priority"
                                    + " (none for requests that carry no message)")
                            .tags("kind", kind.label, "priority", priority).register(registry);
                }
            }
        }
        for (Message.Target target : Message.Target.values()) {
            for (Priority priority : Priority.values()) {
                io.micrometer.core.instrument.FunctionCounter.builder(MESSAGES_OUT, messagesOut[outIndex(target, priority)], LongAdder::sum)
                        .description("Messages delivered to clients, by kind (room, user, broadcast) and priority")
                        .tags("kind", target.name().toLowerCase(java.util.Locale.ROOT), "priority", priority.wireName())
                        .register(registry);
            }
        }
        counter(BYTES_IN, "Bytes of the WebSocket messages received from clients", bytesIn);
        counter(BYTES_OUT, "Bytes written to clients' sockets (after TLS when it is on)", bytesOut);
        counter(PUBLISHED, "Messages accepted by the bus from this node", published);
        counter(SLOW_CONSUMERS, "Connections closed because their outbound buffer overflowed", slowConsumers);
        deliveryLatency = latency(DELIVERY_LATENCY, "From a message's arrival at this node (from the bus) until its frames were"
                + " handed to its subscribers' sockets, once per message and event loop");
        publishLatency = latency(PUBLISH_LATENCY, "From a client's publish request until its message was stored and acknowledged");
        for (boolean hit : new boolean[] {true, false}) {
            io.micrometer.core.instrument.FunctionCounter.builder(RECOVERY_CACHE, hit ? recoveryHits : recoveryMisses, LongAdder::sum)
                    .description("Subscribes answered from the node's recent messages (hit) or by a history read (miss)")
                    .tag("result", hit ? "hit" : "miss").register(registry);
        }
        for (ErrorCode code : ErrorCode.values()) {
            LongAdder adder = new LongAdder();
            errors.put(code, adder);
            io.micrometer.core.instrument.FunctionCounter.builder(ERRORS, adder, LongAdder::sum)
                    .description("Error replies sent, by code").tag("code", code.wireName()).register(registry);
        }
    }

    /** A timer with percentiles over the last {@link #LATENCY_WINDOW} (Micrometer keeps them in HdrHistogram recorders). */
    private io.micrometer.core.instrument.Timer latency(String name, String description) {
        return io.micrometer.core.instrument.Timer.builder(name).description(description).publishPercentiles(PERCENTILES)
                .distributionStatisticExpiry(LATENCY_WINDOW).distributionStatisticBufferLength(3).register(registry);
    }

    private void closedCounter(String reason, LongAdder adder) {
        io.micrometer.core.instrument.FunctionCounter.builder(CONNECTIONS_CLOSED, adder, LongAdder::sum)
                .description("WebSocket connections closed, by reason: the close code the node sent (going_away, policy_violation,"
                        + " service_restart, ...), or client when the client closed or the connection dropped")
                .tag("reason", reason).register(registry);
    }

    private void counter(String name, String description, LongAdder adder) {
        io.micrometer.core.instrument.FunctionCounter.builder(name, adder, LongAdder::sum)
                .description(description).register(registry);
    }

    public MeterRegistry registry() {
        return registry;
    }

    /** Registers a gauge that reads {@code value} from {@code source} at scrape time. */
    public <T> void gauge(String name, String description, T source, java.util.function.ToDoubleFunction<T> value) {
        Gauge.builder(name, source, value).description(description).register(registry);
    }

    public void connectionOpened() {
        connections.incrementAndGet();
        opened.increment();
    }

    /** @param closedWith the code the node closed it with, or null when the client closed it or it dropped */
    public void connectionClosed(CloseCode closedWith) {
        connections.decrementAndGet();
        (closedWith == null ? closedByClient : closedByServer.get(closedWith)).increment();
    }

    public int connections() {
        return connections.get();
    }

    /** What a client sent, as counted: its op, or {@link #INVALID} for a frame that could not be parsed. */
    public enum InKind {
        SUBSCRIBE, UNSUBSCRIBE, PUBLISH, SEND, BROADCAST, PRESENCE, HISTORY, PING, REFRESH, CUSTOM, INVALID;

        final String label = name().toLowerCase(java.util.Locale.ROOT);

        boolean carriesMessage() {
            return this == PUBLISH || this == SEND || this == BROADCAST;
        }

        static InKind of(ClientFrame frame) {
            if (frame instanceof ClientFrame.Publish) {
                return PUBLISH;
            } else if (frame instanceof ClientFrame.Subscribe) {
                return SUBSCRIBE;
            } else if (frame instanceof ClientFrame.Ping) {
                return PING;
            } else if (frame instanceof ClientFrame.Send) {
                return SEND;
            } else if (frame instanceof ClientFrame.Unsubscribe) {
                return UNSUBSCRIBE;
            } else if (frame instanceof ClientFrame.Broadcast) {
                return BROADCAST;
            } else if (frame instanceof ClientFrame.Presence) {
                return PRESENCE;
            } else if (frame instanceof ClientFrame.History) {
                return HISTORY;
            } else if (frame instanceof ClientFrame.Refresh) {
                return REFRESH;
            }
            return CUSTOM;
        }
    }

    private static int inIndex(InKind kind, int priority) {
        return kind.ordinal() * (Priority.values().length + 1) + priority;
    }

    private static int outIndex(Message.Target target, Priority priority) {
        return target.ordinal() * Priority.values().length + priority.ordinal();
    }

    /** One request of {@code bytes} bytes received from a client. */
    public void messageIn(ClientFrame frame, int bytes) {
        InKind kind = InKind.of(frame);
        Priority p = frame instanceof ClientFrame.Publish f ? f.priority() : frame instanceof ClientFrame.Send f ? f.priority()
                : frame instanceof ClientFrame.Broadcast f ? f.priority() : null;
        messagesIn[inIndex(kind, p == null ? Priority.values().length : p.ordinal())].increment();
        bytesIn.add(bytes);
    }

    /** A frame of {@code bytes} bytes that could not be parsed. */
    public void invalidIn(int bytes) {
        messagesIn[inIndex(InKind.INVALID, Priority.values().length)].increment();
        bytesIn.add(bytes);
    }

    /** {@code n} deliveries of {@code m}. */
    public void messagesOut(Message m, int n) {
        messagesOut[outIndex(m.target(), m.priority())].add(n);
    }

    /**
     * Deliveries counted by an event loop in a table it keeps, indexed as {@link #outSlot}: one add
     * per kind and priority that occurred, not one per message. Clears the table.
     */
    public void messagesOut(int[] counts) {
        for (int i = 0; i < counts.length; i++) {
            if (counts[i] != 0) {
                messagesOut[i].add(counts[i]);
                counts[i] = 0;
            }
        }
    }

    /** The slot of {@code m} in a table for {@link #messagesOut(int[])}, of {@link #OUT_SLOTS} slots. */
    public static int outSlot(Message m) {
        return outIndex(m.target(), m.priority());
    }

    public static final int OUT_SLOTS = Message.Target.values().length * Priority.values().length;

    /** Bytes written towards a client's socket. */
    public void bytesOut(long n) {
        bytesOut.add(n);
    }

    public void published() {
        published.increment();
    }

    /** One message delivered by one event loop, {@code nanos} after it arrived. */
    public void delivered(long nanos) {
        deliveryLatency.record(nanos, java.util.concurrent.TimeUnit.NANOSECONDS);
    }

    /** One client publish acknowledged, {@code nanos} after it was asked. */
    public void publishAcked(long nanos) {
        publishLatency.record(nanos, java.util.concurrent.TimeUnit.NANOSECONDS);
    }

    public void slowConsumer() {
        slowConsumers.increment();
    }

    /** Room messages held back for a slow reader and dropped, by the namespace's overflow policy ({@code drop-oldest}, {@code latest-per-key}). */
    public void overflowDropped(String policy, int n) {
        Counter.builder(OVERFLOW_DROPPED).description("Room messages held back for a connection that read too slowly, then dropped (the"
                + " client is sent a gap frame), by overflow policy").tag("policy", policy).register(registry).increment(n);
    }

    /** An upgrade refused because the node is over a load limit, counted by {@code reason}: {@code connections}, {@code memory}. */
    public void shed(String reason) {
        Counter.builder(SHED).description("Upgrades refused with 503 because the node is over a load limit, by the limit")
                .tag("reason", reason).register(registry).increment();
    }

    /** A connection closed for abuse, counted by {@code reason}: {@code write-rate}, {@code slow-consumer}, {@code message-too-big}. */
    public void abuseClose(String reason) {
        Counter.builder(ABUSE_CLOSES).description("Connections closed for abusing a limit, by the limit").tag("reason", reason)
                .register(registry).increment();
    }

    /**
     * A connection refused by a limit, counted by {@code reason} ({@code address-connections},
     * {@code address-rate}, {@code user-connections}): at accept, closed at once, or at the upgrade with 429.
     */
    public void connectionRefused(String reason) {
        Counter.builder(CONNECTIONS_REFUSED).description("Connections refused by a connection limit, by the limit").tag("reason", reason)
                .register(registry).increment();
    }

    /** A room's stream on this node had a hole, a new epoch or a resubscription: its history is read to fill it in. */
    public void streamRepair() {
        Counter.builder(STREAM_REPAIRS).description("Reads of a room's history to fill in what the bus did not deliver to this node"
                + " (a hole, a new epoch, a resubscription after a lost connection)").register(registry).increment();
    }

    /**
     * A room's subscribers were told that its stream restarts (recovered false), by {@code reason}:
     * {@code history} (lost messages the history no longer holds), {@code epoch} (the room's history
     * was lost), {@code unavailable} (the history could not be read to repair a hole).
     */
    public void streamRestarted(String reason) {
        Counter.builder(STREAM_RESTARTS).description("Times a room's subscribers on this node were told its stream restarts"
                + " (they may have missed messages), by reason").tag("reason", reason).register(registry).increment();
    }

    /** Sessions were told that messages sent to their user, or broadcasts ({@code of}), may have been lost. */
    public void directGap(String of) {
        Counter.builder(DIRECT_GAPS).description("Times this node's sessions were told that messages sent to their user,"
                + " or broadcasts, may have been lost while the bus was interrupted, by of (user, broadcast)").tag("of", of)
                .register(registry).increment();
    }

    /** A subscribe was answered from the node's recent messages, or needed a history read. */
    public void recoveryCache(boolean hit) {
        (hit ? recoveryHits : recoveryMisses).increment();
    }

    public void error(ErrorCode code) {
        errors.get(code).increment();
    }

    public long messagesInTotal() {
        return sum(messagesIn);
    }

    public long bytesInTotal() {
        return bytesIn.sum();
    }

    public long bytesOutTotal() {
        return bytesOut.sum();
    }

    private static long sum(LongAdder[] adders) {
        long sum = 0;
        for (LongAdder a : adders) {
            sum += a.sum();
        }
        return sum;
    }

    private static LongAdder[] adders(int n) {
        LongAdder[] out = new LongAdder[n];
        for (int i = 0; i < n; i++) {
            out[i] = new LongAdder();
        }
        return out;
    }

    /** Error frames sent so far, every code together. */
    public long errorsTotal() {
        long sum = 0;
        for (LongAdder a : errors.values()) {
            sum += a.sum();
        }
        return sum;
    }

    public long messagesOutTotal() {
        return sum(messagesOut);
    }
}

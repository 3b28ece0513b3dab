package io.wscluster.loadtest;

import com.auth0.jwt.JWT;
import com.auth0.jwt.algorithms.Algorithm;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshakerFactory;
import io.netty.handler.codec.http.websocketx.WebSocketVersion;
import io.netty.handler.codec.http.websocketx.extensions.compression.WebSocketClientCompressionHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.wscluster.eventloops.EventLoops;
import io.wscluster.protocol.Encoding;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * Runs one process's share of a load test: opens the virtual users' connections at the connect
 * rate, lets the scenario act for the duration, waits for messages in flight, and reports.
 *
 * <p>Publishing follows a fixed schedule: message {@code k} is due at {@code start + k / rate} and
 * carries that due time, not the time it was actually sent. A generator or server that falls
 * behind therefore shows up in the latency instead of silently lowering the load (no coordinated
 * omission).
 */
final class Engine {
    private static final long SUBSCRIBE_WAIT_MILLIS = 30_000;

    private final LoadTestOptions o;
    private final Stats stats = new Stats();
    private final Consumer<Sample> progress;
    private final Encoding encoding;
    private final String padding;
    private final VirtualUser[] users;
    private final List<VirtualUser> publishers = new ArrayList<>();
    private final AtomicInteger welcomed = new AtomicInteger();
    private final AtomicInteger failed = new AtomicInteger();
    private final AtomicInteger subscribed = new AtomicInteger();
    private final Algorithm signer;
    private final ScheduledExecutorService clock = Executors.newScheduledThreadPool(1, new DefaultThreadFactory("loadtest-clock", true));
    private EventLoopGroup group;
    private Bootstrap bootstrap;
    private volatile boolean stopping;
    private volatile long measureStartNanos;

    Engine(LoadTestOptions options, Consumer<Sample> progress) {
        this.o = options;
        this.progress = progress;
        this.encoding = "msgpack".equals(options.encoding()) ? Encoding.MSGPACK : Encoding.JSON;
        this.padding = "x".repeat(options.payloadSize());
        this.signer = options.jwtSecret() == null ? null : Algorithm.HMAC256(options.jwtSecret());
        this.users = new VirtualUser[options.connections()];
        List<InetSocketAddress> sources = SourceAddresses.parse(options.sourceIps());
        for (int i = 0; i < users.length; i++) {
            int global = options.firstUser() + i;
            String url = options.urls().get(global % options.urls().size());
            InetSocketAddress source = sources.isEmpty() ? null : sources.get(global % sources.size());
            boolean publisher = options.scenario().publishes() && global < options.publishers();
            users[i] = new VirtualUser(global, signer == null ? null : "u" + global, url, source, publisher, roomOf(global));
            if (publisher) {
                publishers.add(users[i]);
            }
        }
    }

    private String roomOf(int user) {
        switch (o.scenario()) {
            case FANOUT:
            case RECONNECT_STORM:
                return "room-" + (user % o.rooms());
            case ROOMS:
                return "room-" + (user / o.roomSize());
            default:
                return null;
        }
    }

    private int roomCount() {
        return o.scenario() == Scenario.ROOMS ? (o.totalUsers() + o.roomSize() - 1) / o.roomSize() : o.rooms();
    }

    /**
     * Runs the test. {@code beforeMeasuring} runs once every connection is open (and subscribed),
     * right before the measured phase: worker processes wait there for the signal to go together.
     */
    RunReport run(Runnable beforeMeasuring) throws InterruptedException {
        long startedAt = System.currentTimeMillis();
        group = EventLoops.group(0, "loadtest-io");
        bootstrap = new Bootstrap().group(group)
                .channel(EventLoops.clientChannel())
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 10_000)
                .option(ChannelOption.TCP_NODELAY, true);
        clock.scheduleAtFixedRate(this::tick, 1, 1, TimeUnit.SECONDS);
        long cpuMicros = 0;
        try {
            connectAll();
            awaitSubscribed();
            beforeMeasuring.run();
            cpuMicros = measure();
        } finally {
            // Every connection ends before the figures are read, so no late message changes
            // one count and not another.
            stopping = true;
            clock.shutdownNow();
            for (VirtualUser u : users) {
                Channel ch = u.channel;
                if (ch != null) {
                    ch.close();
                }
            }
            group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        }
        return stats.report(o, startedAt, o.durationMillis() / 1000.0, tallies(), cpuMicros);
    }

    private void tick() {
        long second = measureStartNanos == 0 ? -1 : (System.nanoTime() - measureStartNanos) / 1_000_000_000L;
        Sample s = stats.tick(second, 1.0);
        progress.accept(s);
    }

    // ---- connecting ----

    private void connectAll() throws InterruptedException {
        long perTick = Math.max(1, o.connectRate() / 100);
        int next = 0;
        long nextTick = System.nanoTime();
        while (next < users.length) {
            for (int i = 0; i < perTick && next < users.length; i++) {
                connect(users[next++]);
            }
            nextTick += 10_000_000L;
            LockSupport.parkNanos(Math.max(0, nextTick - System.nanoTime()));
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (welcomed.get() + failed.get() < users.length && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        for (VirtualUser u : users) {
            if (!u.settled) {
                failed(u, "no welcome within 30s");
                Channel ch = u.channel;
                if (ch != null) {
                    ch.close();
                }
            }
        }
    }

    private void awaitSubscribed() throws InterruptedException {
        if (!o.scenario().subscribes()) {
            return;
        }
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(SUBSCRIBE_WAIT_MILLIS);
        while (subscribed.get() < welcomed.get() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        if (subscribed.get() < welcomed.get()) {
            int waiting = 0;
            VirtualUser first = null;
            for (VirtualUser u : users) {
                if (u.welcomed && !u.subscribed) {
                    waiting++;
                    first = first == null ? u : first;
                }
            }
            stats.error("subscribe: no reply within 30s");
            System.err.println("loadtest: " + waiting + " connections got no reply to subscribe within 30s"
                    + (first == null ? "" : ", e.g. user " + first.index + " session " + first.session + " room " + first.room
                    + " channel " + first.channel));
        }
    }

    void connect(VirtualUser user) {
        user.settled = false;
        user.welcomed = false;
        user.connectStartNanos = System.nanoTime();
        stats.connectAttempts.increment();
        URI uri = uriOf(user);
        HttpHeaders headers = new DefaultHttpHeaders();
        if (signer != null) {
            headers.set("Authorization", "Bearer " + JWT.create().withSubject(user.userId)
                    .withExpiresAt(Instant.now().plusSeconds(24 * 3600)).sign(signer));
        }
        ClientConnection handler = new ClientConnection(this, user, WebSocketClientHandshakerFactory.newHandshaker(
                uri, WebSocketVersion.V13, encoding.subprotocol(), true, headers, 16 * 1024 * 1024));
        Bootstrap b = bootstrap.clone().handler(new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel ch) {
                ch.pipeline().addLast(new HttpClientCodec(), new HttpObjectAggregator(64 * 1024));
                if (o.compression()) {
                    ch.pipeline().addLast(WebSocketClientCompressionHandler.INSTANCE);
                }
                ch.pipeline().addLast(handler);
            }
        });
        InetSocketAddress remote = new InetSocketAddress(uri.getHost(), uri.getPort() > 0 ? uri.getPort() : 80);
        ChannelFuture f = user.source == null ? b.connect(remote) : b.connect(remote, user.source);
        f.addListener(done -> {
            if (!done.isSuccess()) {
                failed(user, "connect: " + rootMessage(done.cause()));
            }
        });
    }

    private URI uriOf(VirtualUser user) {
        String url = user.url;
        if (user.session != null) {
            url += (url.contains("?") ? "&" : "?") + "session=" + user.session;
        }
        return URI.create(url);
    }

    private static String rootMessage(Throwable t) {
        while (t.getCause() != null) {
            t = t.getCause();
        }
        String m = t.getMessage();
        return m == null ? t.getClass().getSimpleName() : m.replaceAll(":.*", "");
    }

    void failed(VirtualUser user, String why) {
        if (!user.settled) {
            user.settled = true;
            stats.connectFailures.increment();
            failed.incrementAndGet();
            stats.error(why);
        }
    }

    void closedByServer(VirtualUser user, int code, String reason) {
        if (!stopping && !user.reconnecting) {
            stats.error("closed by server: " + code + (reason == null || reason.isEmpty() ? "" : " " + reason));
        }
    }

    void onClosed(VirtualUser user, Channel channel) {
        if (user.channel != channel) {
            return;
        }
        if (user.welcomed) {
            stats.disconnected();
            user.welcomed = false;
        } else {
            failed(user, "closed before welcome");
        }
        user.subscribed = false;
        if (user.reconnecting && !stopping) {
            connect(user);
        } else if (!stopping && user.settled) {
            stats.error("disconnected");
        }
    }

    // ---- frames ----

    void onFrame(VirtualUser user, ByteBuf content) {
        Inbound in;
        try {
            in = Inbound.parse(encoding, content);
        } catch (IOException e) {
            stats.error("unreadable frame");
            return;
        }
        if (in.op == null) {
            stats.error("frame without op");
            return;
        }
        switch (in.op) {
            case "message": onMessage(user, in, content.readableBytes()); break;
            case "ack": onAck(user, in); break;
            case "welcome": onWelcome(user, in); break;
            case "subscribed": onSubscribed(user, in); break;
            case "error": onError(user, in); break;
            default: break; // pong, unsubscribed, reconnect: nothing to count
        }
    }

    private void onMessage(VirtualUser user, Inbound in, int bytes) {
        long latency = in.stamp < 0 ? -1 : MicroClock.nowMicros() - in.stamp;
        if (in.room != null) {
            if (user.room != null && user.room.equals(in.room) && !user.accept(in.epoch, in.offset, stats)) {
                return;
            }
        } else {
            stats.receivedDirect.increment();
        }
        stats.delivered(latency, bytes);
    }

    private void onAck(VirtualUser user, Inbound in) {
        if (user.pending == null) {
            return;
        }
        String room = user.pending.remove(in.id);
        if (room == null) {
            return;
        }
        if (room.isEmpty()) {
            stats.acked(null, 0);
            stats.expectedDirect.add(o.scenario() == Scenario.BROADCAST ? o.totalUsers() : 1);
        } else {
            stats.acked(room, in.offset);
        }
    }

    private void onWelcome(VirtualUser user, Inbound in) {
        if (user.settled) {
            return; // failed by the deadline already
        }
        user.settled = true;
        user.welcomed = true;
        user.session = in.session;
        stats.connected((System.nanoTime() - user.connectStartNanos) / 1000);
        welcomed.incrementAndGet();
        if (user.room != null) {
            ObjectNode sub = encoding.mapper().createObjectNode().put("op", "subscribe").put("room", user.room);
            if (user.startOffset >= 0) {
                sub.putObject("since").put("epoch", user.epoch).put("offset", user.lastOffset);
            }
            write(user, sub);
            user.channel.flush();
        }
    }

    private void onSubscribed(VirtualUser user, Inbound in) {
        if (user.startOffset < 0) {
            user.startOffset = in.offset;
            user.lastOffset = in.offset;
            user.epoch = in.epoch;
            subscribed.incrementAndGet();
        } else {
            if (!in.recovered && in.offset > user.lastOffset) {
                // The history did not reach back: what was published meanwhile is lost to this user.
                user.skip(user.lastOffset + 1, in.offset);
                user.lastOffset = in.offset;
                user.epoch = in.epoch;
            }
            if (user.reconnecting) {
                user.reconnecting = false;
                stats.reconnects.increment();
            }
        }
        user.subscribed = true;
    }

    private void onError(VirtualUser user, Inbound in) {
        stats.error("error " + in.code);
        if (user.pending != null && in.id > 0) {
            user.pending.remove(in.id);
        }
    }

    private void write(VirtualUser user, ObjectNode frame) {
        try {
            byte[] bytes = encoding.mapper().writeValueAsBytes(frame);
            ByteBuf buf = Unpooled.wrappedBuffer(bytes);
            user.channel.write(encoding.binary() ? new BinaryWebSocketFrame(buf) : new TextWebSocketFrame(buf), user.channel.voidPromise());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    // ---- the measured phase ----

    /** Runs the scenario for the duration, then waits for messages in flight; returns the server CPU used meanwhile. */
    private long measure() throws InterruptedException {
        ServerCpu cpu = new ServerCpu(o.serverPids());
        cpu.start();
        measureStartNanos = System.nanoTime();
        long end = measureStartNanos + TimeUnit.MILLISECONDS.toNanos(o.durationMillis());
        Thread publisher = null;
        if (o.scenario().publishes() && !publishers.isEmpty() && o.rate() > 0) {
            publisher = new Thread(() -> publishUntil(end), "loadtest-publisher");
            publisher.setDaemon(true);
            publisher.start();
        }
        if (o.scenario() == Scenario.CHURN && o.churnRate() > 0) {
            churnUntil(end);
        } else if (o.scenario() == Scenario.RECONNECT_STORM) {
            sleepUntil(measureStartNanos + (end - measureStartNanos) / 2);
            storm();
        }
        sleepUntil(end);
        if (publisher != null) {
            publisher.join(5000);
        }
        drain();
        return cpu.stop();
    }

    /** Waits, at most the drain time, until deliveries stop arriving. */
    private void drain() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(o.drainMillis());
        long last = -1;
        while (System.nanoTime() < deadline) {
            long now = stats.delivered.sum();
            if (now == last && stats.expectedDirect.sum() <= stats.receivedDirect.sum()) {
                return;
            }
            last = now;
            Thread.sleep(Math.min(250, Math.max(1, o.drainMillis() / 4)));
        }
    }

    private static void sleepUntil(long nanos) throws InterruptedException {
        long left;
        while ((left = nanos - System.nanoTime()) > 0) {
            Thread.sleep(Math.min(100, Math.max(1, left / 1_000_000)));
        }
    }

    /** Publishes on the fixed schedule until {@code end}, batching what is due per publisher. */
    private void publishUntil(long end) {
        long periodNanos = 1_000_000_000L / o.rate();
        long remainderNanos = 1_000_000_000L % o.rate();
        long start = System.nanoTime();
        // From the same reading: a second clock read could come a descheduled while later, and
        // stamp every message later than it was due (a latency below zero, which is not counted).
        long startMicros = MicroClock.micros(start);
        long k = 0;
        int rooms = roomCount();
        Map<VirtualUser, List<long[]>> batch = new HashMap<>();
        while (true) {
            long now = System.nanoTime();
            if (now >= end) {
                break;
            }
            long dueUpTo = (now - start) * o.rate() / 1_000_000_000L;
            for (; k <= dueUpTo; k++) {
                long dueNanos = k * periodNanos + k * remainderNanos / o.rate();
                VirtualUser p = publishers.get((int) (k % publishers.size()));
                batch.computeIfAbsent(p, x -> new ArrayList<>()).add(new long[] {startMicros + dueNanos / 1000, k});
            }
            for (Map.Entry<VirtualUser, List<long[]>> e : batch.entrySet()) {
                VirtualUser p = e.getKey();
                List<long[]> due = e.getValue();
                Channel ch = p.channel;
                if (ch != null && p.welcomed) {
                    ch.eventLoop().execute(() -> publish(p, due, rooms));
                }
            }
            batch.clear();
            LockSupport.parkNanos(Math.min(1_000_000L, Math.max(10_000L, periodNanos)));
        }
    }

    private void publish(VirtualUser p, List<long[]> due, int rooms) {
        Channel ch = p.channel;
        if (ch == null || !ch.isActive()) {
            return;
        }
        for (long[] d : due) {
            long id = ++p.nextId;
            ObjectNode frame = encoding.mapper().createObjectNode();
            String room = "";
            switch (o.scenario()) {
                case P2P:
                    frame.put("op", "send").put("user", "u" + ThreadLocalRandom.current().nextInt(o.totalUsers()));
                    break;
                case BROADCAST:
                    frame.put("op", "broadcast");
                    break;
                default:
                    room = "room-" + (d[1] % rooms);
                    frame.put("op", "publish").put("room", room);
            }
            frame.putObject("data").put("t", d[0]).put("p", padding);
            frame.put("id", id);
            p.pending.put(id, room);
            write(p, frame);
        }
        ch.flush();
    }

    /** Closes and reopens random non-publishing connections at the churn rate until {@code end}. */
    private void churnUntil(long end) throws InterruptedException {
        double perTick = o.churnRate() / 100.0;
        double owed = 0;
        while (System.nanoTime() < end) {
            owed += perTick;
            for (; owed >= 1; owed--) {
                VirtualUser u = users[ThreadLocalRandom.current().nextInt(users.length)];
                Channel ch = u.channel;
                if (!u.publisher && u.welcomed && ch != null) {
                    u.reconnecting = true;
                    ch.close();
                }
            }
            Thread.sleep(10);
        }
    }

    /** Drops a share of the subscribers at once; each reconnects at once and resumes with since. */
    private void storm() {
        for (VirtualUser u : users) {
            Channel ch = u.channel;
            if (!u.publisher && u.subscribed && ch != null && ThreadLocalRandom.current().nextDouble() < o.stormShare()) {
                u.reconnecting = true;
                ch.close();
            }
        }
    }

    /** The subscribers' side of room accounting. */
    private Map<String, RoomTally> tallies() {
        Map<String, RoomTally> rooms = new HashMap<>();
        for (VirtualUser u : users) {
            if (u.room != null && u.startOffset >= 0) {
                rooms.merge(u.room, new RoomTally(1, u.startOffset, u.received, 0), RoomTally::plus);
            }
        }
        return rooms;
    }

}

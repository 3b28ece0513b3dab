package io.wscluster.testkit;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshakerFactory;
import io.netty.handler.codec.http.websocketx.WebSocketVersion;
import io.netty.handler.codec.http.websocketx.extensions.compression.WebSocketClientCompressionHandler;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.wscluster.eventloops.EventLoops;
import io.wscluster.codec.Encoding;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Opens N WebSocket connections to one node, waits for each {@code welcome}, holds them idle, then
 * closes them: the instrument behind {@code bench/idle-memory.sh}. Loopback targets only.
 *
 * <pre>
 * java -cp ... io.wscluster.testkit.IdleConnections --url ws://127.0.0.1:8080/ws --connections 10000 \
 *     --rate 2000/s --hold 10m [--source-ips 127.0.0.2-127.0.0.11] [--stop-file PATH] [--threads 1]
 *     [--compression true]
 * </pre>
 *
 * Prints {@code progress ...} lines, then {@code holding N connections} once every attempt has
 * settled. The hold ends after {@code --hold}, when {@code --stop-file} appears, or when a line is
 * read on stdin (EOF is ignored, so {@code </dev/null} is fine). Exits 0 only if all N got a welcome
 * and none was lost while held.
 */
public final class IdleConnections {
    /** A connection's TCP connect, upgrade and welcome must all finish within this, or it has failed. */
    private static final long WELCOME_TIMEOUT_MS = 10_000;
    /** A source IP offers ~28k ephemeral ports; 1000 per IP leaves room for TIME_WAITs of earlier runs. */
    private static final int DEFAULT_PER_SOURCE_IP = 1000;
    private static final Set<String> OPTIONS = Set.of("url", "connections", "rate", "hold", "source-ips", "stop-file", "threads",
            "compression");

    private static final AtomicInteger open = new AtomicInteger();
    private static final AtomicInteger failed = new AtomicInteger();
    private static final AtomicInteger lost = new AtomicInteger();
    private static final ChannelGroup channels = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
    private static volatile boolean stopping;

    public static void main(String[] argv) throws Exception {
        Map<String, String> a = new HashMap<>();
        for (int i = 0; i < argv.length; i += 2) {
            String key = argv[i].replaceFirst("^--", "");
            if (!OPTIONS.contains(key) || i + 1 == argv.length) {
                usage("bad or valueless option " + argv[i]);
            }
            a.put(key, argv[i + 1]);
        }
        URI uri = URI.create(a.getOrDefault("url", "ws://127.0.0.1:8080/ws"));
        int n = Integer.parseInt(a.getOrDefault("connections", "1000"));
        double rate = Double.parseDouble(a.getOrDefault("rate", "2000").replace("/s", ""));
        Duration hold = duration(a.getOrDefault("hold", "60s"));
        Path stopFile = a.containsKey("stop-file") ? Path.of(a.get("stop-file")) : null;
        // Browsers offer permessage-deflate; the node then keeps compression state per connection.
        boolean compression = Boolean.parseBoolean(a.getOrDefault("compression", "false"));
        InetAddress host = InetAddress.getByName(uri.getHost());
        if (!host.isLoopbackAddress() || n <= 0 || rate <= 0) {
            usage("--url must be a loopback ws:// URL, --connections and --rate positive");
        }
        InetSocketAddress remote = new InetSocketAddress(host, uri.getPort() > 0 ? uri.getPort() : 80);
        InetAddress[] sources = sourceIps(a.getOrDefault("source-ips",
                "127.0.0.2-127.0.0." + Math.min(254, 1 + (n + DEFAULT_PER_SOURCE_IP - 1) / DEFAULT_PER_SOURCE_IP)));

        // Native epoll, where the platform has it, keeps the generator's own per-socket cost small.
        EventLoopGroup group = EventLoops.group(Integer.parseInt(a.getOrDefault("threads", "1")), "idle-connections");
        Bootstrap b = new Bootstrap().group(group)
                .channel(EventLoops.clientChannel())
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 5000)
                // Lets bind() take a source port that an earlier run left in TIME_WAIT.
                .option(ChannelOption.SO_REUSEADDR, true)
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        WebSocketClientHandshaker hs = WebSocketClientHandshakerFactory.newHandshaker(uri,
                                WebSocketVersion.V13, Encoding.JSON.subprotocol(), compression, EmptyHttpHeaders.INSTANCE, 65536);
                        // HTTP handlers live only until the 101: finishHandshake swaps them for frame codecs.
                        ch.pipeline().addLast(new HttpClientCodec(), new HttpObjectAggregator(8192));
                        if (compression) {
                            ch.pipeline().addLast(new WebSocketClientCompressionHandler(0));
                        }
                        ch.pipeline().addLast(new Handshake(hs));
                    }
                });
        System.out.printf("connecting %d to %s at %.0f/s from %d source IPs (%s)%n",
                n, uri, rate, sources.length, EventLoops.name());

        int attempted = connectAll(b, remote, sources, n, rate);
        System.out.printf("holding %d connections (failed %d) for up to %s%n", open.get(), failed.get(), hold);
        holdUntilStopped(hold, stopFile, attempted);
        stopping = true;
        channels.writeAndFlush(new CloseWebSocketFrame(1000, "bye")).awaitUninterruptibly(10, TimeUnit.SECONDS);
        channels.close().awaitUninterruptibly(10, TimeUnit.SECONDS);
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        System.out.printf("closed: opened %d of %d, failed %d, lost during hold %d%n", open.get(), n, failed.get(), lost.get());
        System.exit(open.get() == n && lost.get() == 0 ? 0 : 1);
    }

    /**
     * Paced by the clock, not by replies, so a slow server shows as attempts in flight; those are
     * capped too, and the whole phase is bounded by the paced time plus one attempt's limit.
     */
    private static int connectAll(Bootstrap b, InetSocketAddress remote, InetAddress[] sources, int n, double rate)
            throws InterruptedException {
        long start = System.nanoTime();
        long deadline = start + (long) (n / rate * 1e9) + TimeUnit.MILLISECONDS.toNanos(WELCOME_TIMEOUT_MS + 50_000);
        long maxInFlight = Math.max(100, (long) rate);
        long nextReport = start;
        int attempted = 0;
        while (attempted < n && System.nanoTime() < deadline) {
            long now = System.nanoTime();
            if (now >= nextReport) {
                report(attempted);
                nextReport = now + TimeUnit.SECONDS.toNanos(1);
            }
            if (now < start + (long) (attempted * 1e9 / rate) || attempted - open.get() - failed.get() >= maxInFlight) {
                Thread.sleep(1);
                continue;
            }
            b.connect(remote, new InetSocketAddress(sources[attempted % sources.length], 0))
                    .addListener(f -> failed.addAndGet(f.isSuccess() ? 0 : 1));
            attempted++;
        }
        long settled = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WELCOME_TIMEOUT_MS + 6000);
        while (open.get() + failed.get() < attempted && System.nanoTime() < settled) {
            Thread.sleep(50);
        }
        report(attempted);
        return attempted;
    }

    /** Until {@code hold} has passed, {@code stopFile} exists, or a line arrives on stdin (not EOF: runs detached too). */
    private static void holdUntilStopped(Duration hold, Path stopFile, int attempted) throws InterruptedException {
        Thread stdin = new Thread(() -> {
            try {
                stopping |= new BufferedReader(new InputStreamReader(System.in)).readLine() != null;
            } catch (IOException ignored) {
                // No stdin: --hold and --stop-file still end the hold.
            }
        }, "stdin-watch");
        stdin.setDaemon(true);
        stdin.start();
        long holdEnd = System.nanoTime() + hold.toNanos();
        for (int tick = 1; !stopping && System.nanoTime() < holdEnd && (stopFile == null || !Files.exists(stopFile)); tick++) {
            Thread.sleep(200);
            if (tick % 50 == 0) {
                report(attempted);
            }
        }
    }

    /** Upgrades and waits for {@code welcome}, then hands over to {@link Idle}, so a held connection keeps no state of its own. */
    private static final class Handshake extends ChannelInboundHandlerAdapter {
        private final WebSocketClientHandshaker handshaker;
        private ScheduledFuture<?> timeout;
        private boolean done;

        Handshake(WebSocketClientHandshaker handshaker) {
            this.handshaker = handshaker;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            timeout = ctx.executor().schedule(() -> fail(ctx), WELCOME_TIMEOUT_MS, TimeUnit.MILLISECONDS);
            handshaker.handshake(ctx.channel());
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                if (!handshaker.isHandshakeComplete()) {
                    handshaker.finishHandshake(ctx.channel(), (FullHttpResponse) msg);
                } else if (msg instanceof PingWebSocketFrame ping) {
                    ctx.writeAndFlush(new PongWebSocketFrame(ping.content().retain()));
                } else if (!done && msg instanceof TextWebSocketFrame t && t.text().contains("\"welcome\"")) {
                    done = true;
                    timeout.cancel(false);
                    open.incrementAndGet();
                    channels.add(ctx.channel());
                    ctx.pipeline().replace(this, "idle", IDLE);
                }
            } catch (RuntimeException e) {
                fail(ctx);
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            fail(ctx);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            fail(ctx);
        }

        private void fail(ChannelHandlerContext ctx) {
            if (!done) {
                done = true;
                failed.incrementAndGet();
                ctx.close();
            }
        }
    }

    private static final Idle IDLE = new Idle();

    /** Shared by every held connection: answers pings (the node closes silent clients), drops the rest. */
    @Sharable
    private static final class Idle extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof PingWebSocketFrame ping) {
                ctx.writeAndFlush(new PongWebSocketFrame(ping.content().retain()));
            } else if (msg instanceof CloseWebSocketFrame) {
                ctx.close();
            }
            ReferenceCountUtil.release(msg);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (!stopping) {
                lost.incrementAndGet();
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }

    private static void report(int attempted) {
        System.out.printf("progress: attempted=%d open=%d failed=%d lost=%d%n", attempted, open.get(), failed.get(), lost.get());
    }

    /** "127.0.0.2-127.0.0.11" (or with "..") or one address; all inside 127.0.0.0/8. */
    static InetAddress[] sourceIps(String spec) throws IOException {
        String[] ends = spec.split("-|\\.\\.(?=\\d)", 2);
        int from = ByteBuffer.wrap(InetAddress.getByName(ends[0].trim()).getAddress()).getInt();
        int to = ends.length > 1 ? ByteBuffer.wrap(InetAddress.getByName(ends[1].trim()).getAddress()).getInt() : from;
        if (to < from || to - from >= 65_536 || from >>> 24 != 127 || to >>> 24 != 127) {
            usage("--source-ips must be an ascending range inside 127.0.0.0/8: " + spec);
        }
        InetAddress[] out = new InetAddress[to - from + 1];
        for (int i = 0; i < out.length; i++) {
            out[i] = InetAddress.getByAddress(ByteBuffer.allocate(4).putInt(from + i).array());
        }
        return out;
    }

    /** "500ms", "90s", "10m", "1h". */
    static Duration duration(String s) {
        return s.endsWith("ms") ? Duration.ofMillis(Long.parseLong(s.substring(0, s.length() - 2)))
                : Duration.parse("PT" + s.toUpperCase());
    }

    private static void usage(String problem) {
        System.err.println("IdleConnections: " + problem + "\nusage: --url ws://127.0.0.1:PORT/ws --connections N"
                + " [--rate 2000/s] [--hold 60s] [--source-ips 127.0.0.2-127.0.0.11] [--stop-file PATH] [--threads 1] [--compression true]");
        System.exit(2);
    }
}

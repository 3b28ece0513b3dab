package io.wscluster.loadtest;

import com.auth0.jwt.JWT;
import com.auth0.jwt.algorithms.Algorithm;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshakerFactory;
import io.netty.handler.codec.http.websocketx.WebSocketVersion;
import io.netty.handler.codec.http.websocketx.extensions.compression.WebSocketClientCompressionHandler;
import io.wscluster.eventloops.EventLoops;
import io.wscluster.codec.Encoding;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * Connects the virtual users and keeps them connected: opens their connections at the connect rate
 * (each with its own token when the run signs them, from its source address when it has one), waits
 * for them to be welcomed and subscribed, reopens a connection the engine closed on purpose, and
 * closes them all at the end. Every connection attempt settles once: by a welcome, which its {@link
 * Receiver} counts, or by a failure, counted here. Owns the event loops of the run; the connect and
 * close phases run on the engine's thread, connection events on the loops.
 */
final class Connector {
    private static final long WELCOME_WAIT_SECONDS = 30;
    private static final long SUBSCRIBE_WAIT_SECONDS = 30;

    private final LoadTestOptions o;
    private final Stats stats;
    private final Encoding encoding;
    private final Algorithm signer;
    private final Receiver receiver;
    private final AtomicInteger failed = new AtomicInteger();
    private final EventLoopGroup group;
    private final Bootstrap bootstrap;
    private volatile boolean stopping;

    Connector(LoadTestOptions options, Stats stats, Encoding encoding) {
        this.o = options;
        this.stats = stats;
        this.encoding = encoding;
        this.signer = options.jwtSecret() == null ? null : Algorithm.HMAC256(options.jwtSecret());
        this.receiver = new Receiver(options, stats, encoding);
        this.group = EventLoops.group(0, "loadtest-io");
        this.bootstrap = new Bootstrap().group(group)
                .channel(EventLoops.clientChannel())
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 10_000)
                .option(ChannelOption.TCP_NODELAY, true);
    }

    /** Opens every user's connection at the connect rate, then fails those not welcomed within {@link #WELCOME_WAIT_SECONDS}. */
    void connectAll(VirtualUser[] users) throws InterruptedException {
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
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WELCOME_WAIT_SECONDS);
        while (receiver.welcomed() + failed.get() < users.length && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        for (VirtualUser u : users) {
            if (!u.settled) {
                failed(u, "no welcome within " + WELCOME_WAIT_SECONDS + "s");
                Channel ch = u.channel;
                if (ch != null) {
                    ch.close();
                }
            }
        }
    }

    /** Waits, at most {@link #SUBSCRIBE_WAIT_SECONDS}, until every welcomed user that reads a room has its subscription confirmed. */
    void awaitSubscribed(VirtualUser[] users) throws InterruptedException {
        if (!o.scenario().subscribes()) {
            return;
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(SUBSCRIBE_WAIT_SECONDS);
        while (receiver.subscribed() < receiver.welcomed() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        if (receiver.subscribed() < receiver.welcomed()) {
            int waiting = 0;
            VirtualUser first = null;
            for (VirtualUser u : users) {
                if (u.welcomed && !u.subscribed) {
                    waiting++;
                    first = first == null ? u : first;
                }
            }
            stats.error("subscribe: no reply within " + SUBSCRIBE_WAIT_SECONDS + "s");
            System.err.println("loadtest: " + waiting + " connections got no reply to subscribe within " + SUBSCRIBE_WAIT_SECONDS + "s"
                    + (first == null ? "" : ", e.g. user " + first.index + " session " + first.session + " room " + first.room
                    + " channel " + first.channel));
        }
    }

    /** Closes every connection and the event loops; closes from now on are the end of the run, not events to count. */
    void closeAll(VirtualUser[] users) {
        stopping = true;
        for (VirtualUser u : users) {
            Channel ch = u.channel;
            if (ch != null) {
                ch.close();
            }
        }
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private void connect(VirtualUser user) {
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
        ClientConnection handler = new ClientConnection(this, receiver, user, WebSocketClientHandshakerFactory.newHandshaker(
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

    private static URI uriOf(VirtualUser user) {
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

    /** The user's connection attempt failed (counted once per attempt). */
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

    /** The user's connection {@code channel} ended: a reconnecting user connects again, anyone else is counted as lost. */
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
}

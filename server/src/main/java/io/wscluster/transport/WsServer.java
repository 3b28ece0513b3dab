package io.wscluster.transport;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.util.concurrent.EventExecutor;
import io.wscluster.cluster.NodeState;
import io.wscluster.eventloops.DevelopmentCertificate;
import io.wscluster.eventloops.EventLoops;
import io.wscluster.eventloops.ServerTls;
import io.wscluster.hub.ClientRequests;
import io.wscluster.hub.Hub;
import io.wscluster.hub.HubShard;
import io.wscluster.hub.Session;
import io.wscluster.protocol.CloseCode;
import io.wscluster.codec.OutboundFrame;
import io.wscluster.security.ConnectionLimiter;
import io.wscluster.security.SecurityOptions;
import io.wscluster.security.TokenVerifier;
import io.wscluster.security.TrustedProxies;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The node's socket server: one event-loop group that owns one hub shard per loop and serves two
 * listeners, the public one (WebSocket and the client endpoints) and the operator one (the HTTP
 * API, {@code /admin/*}, {@code /metrics}), which stays open while the public one stops accepting.
 */
public final class WsServer {
    /** Netty's own per-connection queue stops taking writes above this; the {@link OutboundLimiter} takes over. */
    static final WriteBufferWaterMark WATER_MARK = new WriteBufferWaterMark(32 * 1024, 64 * 1024);

    private final TransportOptions options;
    private final SecurityOptions security;
    private final Hub hub;
    private final ClientRequests requests;
    private final TokenVerifier verifier;
    private final Supplier<NodeState> state;
    private final HttpEndpoints endpoints;
    private final SessionIds sessionIds;
    private final Map<EventLoop, HubShard> shards = new IdentityHashMap<>();
    private EventLoopGroup group;
    private Channel serverChannel;
    private Channel operatorChannel;
    /** HAProxy's agent-check listener; null when {@code agent-port} is off. */
    private Channel agentChannel;
    private final Supplier<String> agentReply;
    /** TLS of both listeners; null when off. */
    private ServerTls tls;

    public WsServer(TransportOptions options, SecurityOptions security, Hub hub, ClientRequests requests, TokenVerifier verifier,
                    Supplier<NodeState> state, HttpEndpoints endpoints, SessionIds sessionIds, Supplier<String> agentReply) {
        this.options = options;
        this.agentReply = agentReply;
        this.sessionIds = sessionIds;
        this.security = security;
        this.hub = hub;
        this.requests = requests;
        this.verifier = verifier;
        this.state = state;
        this.endpoints = endpoints;
    }

    /**
     * Binds both listeners and starts serving; returns the public listener's address.
     *
     * @throws ListenerTakenException when the port of either listener is taken
     */
    public InetSocketAddress start() throws BindException, InterruptedException {
        group = EventLoops.group(options.ioThreads(), "wsc-io");
        Duration sweep = PingSweeper.period(options.pingInterval());
        for (EventExecutor executor : group) {
            EventLoop loop = (EventLoop) executor;
            HubShard shard = hub.newShard(loop, loop::inEventLoop);
            shards.put(loop, shard);
            loop.scheduleAtFixedRate(new PingSweeper(shard, options.pingInterval(), requests.grants()),
                    sweep.toMillis(), sweep.toMillis(), TimeUnit.MILLISECONDS);
        }
        try {
            TlsOptions t = options.tls();
            tls = !t.enabled() ? null : t.selfSigned() ? ServerTls.selfSigned(advertisedHosts())
                    : ServerTls.fromFiles(t.certFile(), t.keyFile(), group);
        } catch (RuntimeException e) {
            group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
            throw e;
        }
        WebSocketUpgrade upgrade = new WebSocketUpgrade(options, security.allowAnonymous(), requests, hub.metrics(), verifier, state,
                shards, sessionIds);
        ConnectionLimiter limiter = new ConnectionLimiter(security.addressLimits(), security.userLimits(),
                new TrustedProxies(options.trustedProxies()), hub.metrics()::connectionRefused);
        try {
            serverChannel = bind("port", options.host(), options.port(), HttpRouter.publicListener(upgrade, endpoints),
                    options.compression(), limiter);
            operatorChannel = bind("admin-port", options.adminHost(), options.adminPort(), HttpRouter.operatorListener(upgrade, endpoints),
                    false, null);
            if (options.agentPort() != TransportOptions.AGENT_OFF) {
                agentChannel = AgentListener.bind(group, options.adminHost(), options.agentPort(), agentReply);
            }
        } catch (BindException | InterruptedException | RuntimeException e) {
            group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
            throw e;
        }
        return (InetSocketAddress) serverChannel.localAddress();
    }

    /** @param limiter the connection limits of the listener; null: none */
    private Channel bind(String setting, String host, int port, HttpRouter router, boolean compression, ConnectionLimiter limiter)
            throws BindException, InterruptedException {
        HttpChannelInitializer pipeline = new HttpChannelInitializer(router, options, compression, tls, limiter, hub.metrics());
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(group)
                .channel(EventLoops.serverChannel())
                .option(ChannelOption.SO_BACKLOG, 4096)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, WATER_MARK)
                .childHandler(pipeline);
        if (pipeline.gate() != null) {
            bootstrap.handler(pipeline.gate());
        }
        try {
            return bootstrap.bind(host, port).sync().channel();
        } catch (Exception e) {
            // Native epoll reports EADDRINUSE as its own IOException, not as a BindException.
            if (e instanceof BindException
                    || e instanceof java.io.IOException && String.valueOf(e.getMessage()).contains("Address already in use")) {
                throw new ListenerTakenException(setting, host, port);
            }
            if (e instanceof InterruptedException ie) {
                throw ie;
            }
            if (e instanceof java.nio.channels.UnresolvedAddressException) {
                // A name that does not resolve, or an address written with its port ("127.0.0.1:8080").
                throw new IllegalArgumentException((setting.equals("port") ? "host" : "admin-host") + ": '" + host + "' is not valid,"
                        + " expected an IP address or a host name of this machine, without a port");
            }
            throw new IllegalStateException("could not bind " + setting + " " + host + ":" + port + ": " + e.getMessage(), e);
        }
    }

    /** The hosts this node's listeners are reached at by name, for a self-signed certificate (which names this host's addresses itself). */
    private List<String> advertisedHosts() {
        List<String> hosts = new ArrayList<>(List.of(options.host(), options.adminHost()));
        if (options.advertisedUrl() != null) {
            hosts.add(URI.create(options.advertisedUrl()).getHost());
        }
        return hosts;
    }

    /** The certificate made at start with {@code tls-self-signed}; null otherwise. */
    public DevelopmentCertificate selfSignedCertificate() {
        return tls == null ? null : tls.selfSignedCertificate();
    }

    /** The operator listener's address ({@code /api/*}, {@code /admin/*}, {@code /metrics}). */
    public InetSocketAddress operatorAddress() {
        return (InetSocketAddress) operatorChannel.localAddress();
    }

    /** The agent-check listener's address; null when {@code agent-port} is off. */
    public InetSocketAddress agentAddress() {
        return agentChannel == null ? null : (InetSocketAddress) agentChannel.localAddress();
    }

    /** Stops accepting new connections; existing ones go on. */
    public void stopAccepting() {
        if (serverChannel != null) {
            serverChannel.close().syncUninterruptibly();
        }
    }

    /** Sends {@code farewell} to every connection and closes it with {@code code}, on each connection's loop. */
    public void closeAll(OutboundFrame farewell, CloseCode code, String reason) {
        for (Map.Entry<EventLoop, HubShard> e : shards.entrySet()) {
            HubShard shard = e.getValue();
            e.getKey().execute(() -> shard.forEachSession(s -> {
                s.send(farewell);
                s.close(code, reason);
            }));
        }
    }

    /**
     * Sends up to {@code perLoop} connections of each event loop away: each gets the frame
     * {@code farewell} gives for it (null: leave that one for now) and is closed with {@code code}.
     * Completes with how many were sent away.
     */
    public CompletionStage<Integer> sendAway(int perLoop, Function<Session, OutboundFrame> farewell, CloseCode code, String reason) {
        List<CompletableFuture<Integer>> counts = new ArrayList<>();
        for (Map.Entry<EventLoop, HubShard> e : shards.entrySet()) {
            HubShard shard = e.getValue();
            CompletableFuture<Integer> count = new CompletableFuture<>();
            counts.add(count);
            e.getKey().execute(() -> {
                int[] moved = {0};
                shard.forEachSession(s -> {
                    if (moved[0] < perLoop && !s.isClosing()) {
                        OutboundFrame f = farewell.apply(s);
                        if (f != null) {
                            s.send(f);
                            s.close(code, reason);
                            moved[0]++;
                        }
                    }
                });
                count.complete(moved[0]);
            });
        }
        return CompletableFuture.allOf(counts.toArray(CompletableFuture[]::new))
                .thenApply(v -> counts.stream().mapToInt(CompletableFuture::join).sum());
    }

    /** Stops the event loops, cutting whatever connections remain. */
    public void shutdown() {
        if (tls != null) {
            tls.close();
        }
        if (group != null) {
            group.shutdownGracefully(0, 500, TimeUnit.MILLISECONDS).syncUninterruptibly();
        }
    }
}

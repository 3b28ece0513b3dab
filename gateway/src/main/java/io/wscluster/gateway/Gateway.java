package io.wscluster.gateway;

import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisException;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.util.AttributeKey;
import io.wscluster.cluster.Membership;
import io.wscluster.eventloops.AcceptGate;
import io.wscluster.eventloops.EventLoops;
import io.wscluster.eventloops.RequestDeadline;
import io.wscluster.eventloops.ServerTls;
import io.wscluster.redis.RedisMembership;
import io.wscluster.redis.RedisStickyRegistry;
import io.wscluster.redis.RedisUrls;
import io.wscluster.resources.NodeResources;
import io.wscluster.routing.NodeDirectory;
import io.wscluster.routing.StickyRegistry;
import io.wscluster.security.ConnectionLimiter;
import io.wscluster.security.JwksKeys;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running gateway:
 *
 * <pre>{@code
 * Gateway g = Gateway.start(GatewayOptions.builder().port(8000).redisUrl("redis://127.0.0.1:6379")
 *         .routing(r -> r.withAlgorithm(Algorithm.ADAPTIVE)).build());
 * // clients connect to ws://<gateway>:8000/ws as they would to a node
 * g.close();
 * }</pre>
 *
 * <p>It is stateless but for Redis: several gateways can run side by side behind DNS or an L4
 * balancer, sharing the sticky registry. It learns the nodes from membership (no static list),
 * re-reading it every heartbeat and at once on a membership event, on a scheduler of its own.
 */
public final class Gateway implements AutoCloseable {
    /** A client connection's place in the per-address limits, taken at accept and given back when it closes. */
    private static final AttributeKey<ConnectionLimiter.Ticket> TICKET = AttributeKey.valueOf("wsc-gateway-ticket");
    private static final Logger log = LoggerFactory.getLogger(Gateway.class);
    private static final HttpClient JWKS_HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
            .followRedirects(HttpClient.Redirect.NEVER).build();

    private final NodeResources resources = NodeResources.create("gateway");
    private final EventLoopGroup group;
    private final Channel listener;
    private final NodeDirectory directory;
    private final GatewayCore core;
    private final List<AutoCloseable> owned;
    private final String url;
    /** TLS of the listener; null when plain. */
    private ServerTls tls;

    private Gateway(GatewayOptions options, Membership membership, StickyRegistry sticky, List<AutoCloseable> owned)
            throws InterruptedException {
        this.owned = owned;
        this.directory = new NodeDirectory(membership, options.heartbeat(), resources.scheduler());
        URI jwksUrl = options.jwt().jwksUrl();
        this.core = new GatewayCore(options, directory, sticky, jwksUrl == null ? null
                : new JwksKeys(jwksUrl, Gateway::fetch).start(resources.scheduler(), options.jwksRefresh()));
        io.wscluster.metrics.ProcessMeters.bindTo(core.metrics().registry(), resources);
        directory.addListener(change -> {
            change.added().forEach(id -> log.info("node {} joined: {} nodes to route to", id, change.nodes().size()));
            change.removed().forEach(id -> core.nodeMissing(id, resources.scheduler()));
        });
        this.group = EventLoops.group(options.ioThreads(), "wsc-gateway");
        try {
            this.tls = options.tlsSelfSigned() ? ServerTls.selfSigned(List.of(options.host()))
                    : options.tlsCertFile() == null ? null : ServerTls.fromFiles(options.tlsCertFile(), options.tlsKeyFile(), group);
            directory.start().toCompletableFuture().get(10, TimeUnit.SECONDS);
            this.listener = new ServerBootstrap().group(group).channel(EventLoops.serverChannel())
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .handler(new AcceptGate(ch -> {
                        ConnectionLimiter.Ticket ticket = core.limiter().accept(FrontHandler.remoteIp(ch));
                        ch.attr(TICKET).set(ticket);
                        return ticket != null; // over its address's limits: reset before one byte of it is read
                    }))
                    .childHandler(new ChannelInitializer<Channel>() {
                        @Override
                        protected void initChannel(Channel ch) {
                            ConnectionLimiter.Ticket ticket = ch.attr(TICKET).get();
                            ch.closeFuture().addListener(closed -> ticket.release());
                            if (tls != null) {
                                ch.pipeline().addLast("tls", tls.newHandler(ch.alloc()));
                            }
                            ch.pipeline().addLast(FrontHandler.CODEC, new HttpServerCodec())
                                    .addLast(FrontHandler.AGGREGATOR, new HttpObjectAggregator(64 * 1024))
                                    .addLast(RequestDeadline.NAME, new RequestDeadline(options.requestTimeout(),
                                            options.requestTimeout().multipliedBy(6), GatewayOptions.MAX_REQUESTS_PER_CONNECTION))
                                    .addLast(new FrontHandler(core, ticket));
                        }
                    })
                    .bind(options.host(), options.port()).sync().channel();
        } catch (Exception e) {
            shutdown();
            if (e instanceof InterruptedException ie) {
                throw ie;
            }
            if (e instanceof IllegalArgumentException bad) {
                throw new IllegalStateException("tls: " + bad.getMessage(), e); // the certificate files
            }
            throw new IllegalStateException("port: " + options.port() + " on " + options.host() + " cannot be bound ("
                    + e.getMessage() + ")", e);
        }
        int port = ((InetSocketAddress) listener.localAddress()).getPort();
        String host = "0.0.0.0".equals(options.host()) || "::".equals(options.host()) ? "127.0.0.1" : options.host();
        this.url = (tls != null ? "wss://" : "ws://") + host + ":" + port + "/ws";
        log.info("gateway listening on {} ({} nodes known, algorithm {}, sticky {})", url, directory.nodes().size(),
                options.routing().algorithm().wireName(), options.routing().stickiness().wireName());
    }

    /**
     * A gateway in front of the cluster on {@code options.redisUrl()}: membership and the sticky
     * registry come from Redis. Blocks while it connects.
     *
     * @throws IllegalStateException with a one-line reason when Redis cannot be reached or the port bound
     */
    public static Gateway start(GatewayOptions options) throws InterruptedException {
        String redisUrl = options.redisUrl();
        if (redisUrl == null || !RedisUrls.isValid(redisUrl)) {
            throw new IllegalStateException("redis: '" + redisUrl + "' is not a redis://, rediss://, redis-cluster://,"
                    + " rediss-cluster://, redis-sentinel:// or rediss-sentinel:// URL; the gateway learns the nodes from the cluster's Redis");
        }
        boolean cluster = RedisUrls.isCluster(redisUrl);
        AbstractRedisClient client = cluster ? RedisClusterClient.create(RedisUrls.resources(), RedisUrls.clusterSeeds(redisUrl))
                : RedisClient.create(RedisUrls.resources(), RedisUrls.standalone(redisUrl));
        List<AutoCloseable> owned = new ArrayList<>();
        try {
            RedisMembership membership = RedisMembership.observer(client, options.cluster(), options.heartbeat());
            owned.add(membership);
            RedisClusterAsyncCommands<String, String> commands;
            if (cluster) {
                StatefulRedisClusterConnection<String, String> c = ((RedisClusterClient) client).connect();
                owned.add(c);
                commands = c.async();
            } else {
                StatefulRedisConnection<String, String> c = ((RedisClient) client).connect();
                owned.add(c);
                commands = c.async();
            }
            owned.add(() -> {
                client.shutdown();
                client.getResources().shutdown(); // made by RedisUrls.resources(), so ours to shut down
            });
            StickyRegistry sticky = new RedisStickyRegistry(commands, options.cluster(), options.routing().stickyTtl(),
                    RedisStickyRegistry.DEFAULT_CACHE_TTL);
            Gateway g = new Gateway(options, membership, sticky, owned);
            membership.start();
            return g;
        } catch (RedisException e) {
            closeAll(owned);
            client.shutdown();
            client.getResources().shutdown();
            throw new IllegalStateException("redis: cannot reach " + redisUrl + " (" + e.getMessage() + ")", e);
        }
    }

    /** A gateway over membership and a sticky registry the caller provides and closes (in-process clusters, tests). */
    public static Gateway start(GatewayOptions options, Membership membership, StickyRegistry sticky) throws InterruptedException {
        return new Gateway(options, membership, sticky, List.of());
    }

    public int port() {
        return ((InetSocketAddress) listener.localAddress()).getPort();
    }

    /** The WebSocket URL clients use, e.g. {@code ws://127.0.0.1:8000/ws}. */
    public String url() {
        return url;
    }

    /** The gateway's base HTTP URL, for {@code /health}, {@code /ready}, {@code /metrics}, {@code /api/route}. */
    public String httpUrl() {
        return url.replaceFirst("^ws", "http").replaceFirst("/ws$", "");
    }

    public PrometheusMeterRegistry registry() {
        return core.metrics().registry();
    }

    /** The JWKS document at {@code url}, within 5 s. */
    private static CompletionStage<String> fetch(URI url) {
        HttpRequest request = HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(5)).GET().build();
        return JWKS_HTTP.sendAsync(request, HttpResponse.BodyHandlers.ofString()).thenApply(response -> {
            if (response.statusCode() != 200) {
                throw new IllegalStateException("answered HTTP " + response.statusCode());
            }
            return response.body();
        });
    }

    /**
     * Stops listening and closes every relayed connection, the clients with 1001 ("going away"),
     * so that they reconnect through another gateway.
     */
    @Override
    public void close() {
        if (listener != null) {
            listener.close().syncUninterruptibly();
        }
        core.links().closeAll(NodeLink.CLOSE_GOING_AWAY, "gateway shutting down");
        for (int i = 0; i < 50 && core.links().count() > 0; i++) {
            sleep(10); // the close frames leave on the event loops
        }
        shutdown();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void shutdown() {
        if (tls != null) {
            tls.close();
        }
        directory.close();
        resources.close();
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        closeAll(owned);
    }

    private static void closeAll(List<AutoCloseable> resources) {
        for (int i = resources.size() - 1; i >= 0; i--) {
            try {
                resources.get(i).close();
            } catch (Exception e) {
                log.debug("closing {} failed", resources.get(i), e);
            }
        }
    }
}

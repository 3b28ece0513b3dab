package io.wscluster.gateway;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.wscluster.cluster.NodeInfo;
import io.wscluster.eventloops.EventLoops;
import java.net.URI;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Plain HTTP requests that are not the gateway's own go to one node, on a connection of their own,
 * and its answer comes back as it is: the demo page to the node's public listener, {@code /api/*}
 * (with {@code forward-api}) to its operator listener, the only one that serves them. Any node
 * serves them: they are cluster-wide.
 */
final class HttpForward {
    private static final Logger log = LoggerFactory.getLogger(HttpForward.class);

    private HttpForward() {
    }

    /** Sends {@code request} (retained by the caller for this call) to {@code node}'s public listener and answers the client with its response. */
    static void forward(GatewayCore core, ChannelHandlerContext client, NodeInfo node, FullHttpRequest request, boolean keepAlive) {
        send(core, client, node, URI.create(node.url()), request, keepAlive, () -> {
            core.suspect(node.id());
            return "node " + node.id() + " did not accept the connection";
        });
    }

    /**
     * Sends {@code request} to {@code operator}, {@code node}'s operator listener. A refused
     * connection there says nothing of the node's clients' listener: the node is not suspected.
     */
    static void forwardToOperator(GatewayCore core, ChannelHandlerContext client, NodeInfo node, URI operator, FullHttpRequest request,
                                  boolean keepAlive) {
        send(core, client, node, operator, request, keepAlive,
                () -> "node " + node.id() + "'s operator listener at " + operator + " did not accept the connection");
    }

    /** @param refused what the client is told when {@code target} does not accept the connection */
    private static void send(GatewayCore core, ChannelHandlerContext client, NodeInfo node, URI target, FullHttpRequest request,
                             boolean keepAlive, Supplier<String> refused) {
        int port = GatewayCore.portOf(target);
        request.headers().set(HttpHeaderNames.HOST, target.getHost() + ":" + port);
        request.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        new Bootstrap().group(client.channel().eventLoop()).channel(EventLoops.clientChannel())
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) core.options().connectTimeout().toMillis())
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        core.tlsToNode(ch, target);
                        ch.pipeline().addLast(new HttpClientCodec(), new HttpObjectAggregator(16 * 1024 * 1024),
                                new SimpleChannelInboundHandler<FullHttpResponse>() {
                                    @Override
                                    protected void channelRead0(ChannelHandlerContext ctx, FullHttpResponse r) {
                                        FullHttpResponse copy = new DefaultFullHttpResponse(r.protocolVersion(), r.status(),
                                                r.content().retain(), r.headers(), r.trailingHeaders());
                                        copy.headers().set(HttpHeaderNames.CONNECTION,
                                                keepAlive ? HttpHeaderValues.KEEP_ALIVE : HttpHeaderValues.CLOSE);
                                        ChannelFuture sent = client.writeAndFlush(copy);
                                        if (!keepAlive) {
                                            sent.addListener(ChannelFutureListener.CLOSE);
                                        }
                                        ctx.close();
                                    }

                                    @Override
                                    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                                        ctx.close();
                                        // Netty's and the TLS library's messages name their internals: they are the log's.
                                        log.debug("node {} failed to answer a forwarded request", node.id(), cause);
                                        FrontHandler.reply(client, HttpResponseStatus.BAD_GATEWAY,
                                                "node " + node.id() + " failed to answer", 1);
                                    }
                                });
                    }
                })
                .connect(target.getHost(), port).addListener((ChannelFuture f) -> {
                    if (f.isSuccess()) {
                        f.channel().writeAndFlush(request);
                    } else {
                        request.release();
                        FrontHandler.reply(client, HttpResponseStatus.BAD_GATEWAY, refused.get(), 1);
                    }
                });
    }
}

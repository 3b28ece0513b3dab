package io.wscluster.client;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.wscluster.eventloops.EventLoops;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshakerFactory;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketVersion;
import io.netty.handler.ssl.SslHandler;
import java.net.URI;
import java.security.NoSuchAlgorithmException;
import java.util.function.Consumer;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;

/**
 * One WebSocket connection of a {@link WscClient}, JSON subprotocol. Reports text frames, the close
 * code and the end of the connection to its owner, on the client's event loop. Package-private
 * with its listener: Netty's handler methods are no part of the SDK's API.
 */
final class Connection extends SimpleChannelInboundHandler<Object> {
    interface Listener {
        void onOpen(Connection c);

        void onText(Connection c, String text);

        /** The connection ended; {@code code} is the server's close code, or 1006 when it just dropped. */
        void onEnd(Connection c, int code, String reason, Throwable cause);
    }

    private final WebSocketClientHandshaker handshaker;
    private final Listener listener;
    private Channel channel;
    private int closeCode = 1006;
    private String closeReason = "";
    private boolean ended;
    private boolean closing;

    private Connection(URI uri, String token, Listener listener) {
        HttpHeaders headers = new DefaultHttpHeaders();
        if (token != null) {
            headers.set("Authorization", "Bearer " + token);
        }
        this.handshaker = WebSocketClientHandshakerFactory.newHandshaker(uri, WebSocketVersion.V13, "wsc.v1.json", true,
                headers, 16 * 1024 * 1024);
        this.listener = listener;
    }

    static Connection open(EventLoopGroup loop, URI uri, String token, SSLContext tls, Listener listener) {
        Connection c = new Connection(uri, token, listener);
        boolean secure = "wss".equalsIgnoreCase(uri.getScheme());
        int port = uri.getPort() > 0 ? uri.getPort() : secure ? 443 : 80;
        new Bootstrap().group(loop).channel(EventLoops.clientChannel())
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 5000)
                .option(ChannelOption.TCP_NODELAY, true)
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        if (secure) {
                            ch.pipeline().addLast(tlsHandler(tls, uri.getHost(), port));
                        }
                        ch.pipeline().addLast(new HttpClientCodec(), new HttpObjectAggregator(1 << 20), c);
                    }
                })
                .connect(uri.getHost(), port).addListener((ChannelFuture f) -> {
                    if (!f.isSuccess()) {
                        c.end(f.cause());
                    }
                });
        return c;
    }

    /** TLS as a browser does it: the server's certificate must name the host connected to (SNI sent). */
    private static SslHandler tlsHandler(SSLContext tls, String host, int port) {
        try {
            SSLEngine engine = (tls != null ? tls : SSLContext.getDefault()).createSSLEngine(host, port);
            engine.setUseClientMode(true);
            SSLParameters parameters = engine.getSSLParameters();
            parameters.setEndpointIdentificationAlgorithm("HTTPS");
            engine.setSSLParameters(parameters);
            return new SslHandler(engine);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JVM has no default TLS context", e);
        }
    }

    void send(String text) {
        if (channel != null && channel.isActive()) {
            channel.writeAndFlush(new TextWebSocketFrame(text));
        }
    }

    void close() {
        closing = true; // a socket still being connected is closed once it is
        if (channel != null && channel.isActive()) {
            channel.writeAndFlush(new CloseWebSocketFrame(1000, "bye")).addListener(f -> channel.close());
        }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        channel = ctx.channel();
        if (closing) {
            ctx.close();
            return;
        }
        handshaker.handshake(channel);
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, Object msg) {
        if (!handshaker.isHandshakeComplete()) {
            if (msg instanceof FullHttpResponse response) {
                try {
                    handshaker.finishHandshake(ctx.channel(), response);
                    ctx.pipeline().addBefore(ctx.name(), "ws-aggregator", new WebSocketFrameAggregator(16 * 1024 * 1024));
                    listener.onOpen(this);
                } catch (RuntimeException e) {
                    closeReason = "HTTP " + response.status().code() + " " + response.content().toString(java.nio.charset.StandardCharsets.UTF_8);
                    ctx.close();
                }
            }
            return;
        }
        if (!(msg instanceof WebSocketFrame frame)) {
            return;
        }
        if (frame instanceof TextWebSocketFrame text) {
            listener.onText(this, text.text());
        } else if (frame instanceof PingWebSocketFrame ping) {
            ctx.writeAndFlush(new PongWebSocketFrame(ping.content().retain()));
        } else if (frame instanceof CloseWebSocketFrame close) {
            closeCode = close.statusCode();
            closeReason = close.reasonText();
            ctx.writeAndFlush(new CloseWebSocketFrame(closeCode, "")).addListener(f -> ctx.close());
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        end(null);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }

    private void end(Throwable cause) {
        if (!ended) {
            ended = true;
            listener.onEnd(this, closeCode, closeReason, cause);
        }
    }

    /** For {@link Consumer}-style use in tests and logs. */
    @Override
    public String toString() {
        return "connection to " + handshaker.uri();
    }
}

package io.wscluster.testkit;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshakeException;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.wscluster.codec.Encoding;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The client side of one {@link TestClient} connection: the handshake (a refusal becomes {@link
 * TestClient.Refused}), then every frame decoded and queued for the test, pings answered unless told
 * otherwise, and the close status kept.
 */
final class TestClientHandler extends SimpleChannelInboundHandler<Object> {
    final WebSocketClientHandshaker handshaker;
    final Encoding encoding;
    final CompletableFuture<Void> handshakeDone = new CompletableFuture<>();
    final CompletableFuture<TestClient.CloseStatus> closed = new CompletableFuture<>();
    final LinkedBlockingDeque<Object> frames = new LinkedBlockingDeque<>();
    volatile boolean answerPings = true;
    final AtomicLong compressedFrames = new AtomicLong();
    HttpHeaders upgradeHeaders;

    TestClientHandler(WebSocketClientHandshaker handshaker, Encoding encoding) {
        this.handshaker = handshaker;
        this.encoding = encoding;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        handshaker.handshake(ctx.channel());
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        closed.complete(new TestClient.CloseStatus(1006, "connection ended without a close frame"));
        handshakeDone.completeExceptionally(new IOException("connection closed during handshake"));
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, Object msg) throws Exception {
        if (!handshaker.isHandshakeComplete()) {
            FullHttpResponse response = (FullHttpResponse) msg;
            try {
                handshaker.finishHandshake(ctx.channel(), response);
                upgradeHeaders = response.headers();
                if (ctx.pipeline().get("ws-decoder") != null) {
                    ctx.pipeline().addAfter("ws-decoder", "rsv1-counter", new ChannelInboundHandlerAdapter() {
                        @Override
                        public void channelRead(ChannelHandlerContext c, Object frame) {
                            // RSV1 marks a permessage-deflate compressed message (RFC 7692).
                            if (frame instanceof WebSocketFrame f && (f.rsv() & 0x4) != 0) {
                                compressedFrames.incrementAndGet();
                            }
                            c.fireChannelRead(frame);
                        }
                    });
                }
                handshakeDone.complete(null);
            } catch (WebSocketClientHandshakeException e) {
                handshakeDone.completeExceptionally(new TestClient.Refused(response.status().code(),
                        response.content().toString(StandardCharsets.UTF_8), response.headers().get("Retry-After")));
                ctx.close();
            }
            return;
        }
        if (msg instanceof PingWebSocketFrame ping) {
            if (answerPings) {
                ctx.writeAndFlush(new PongWebSocketFrame(ping.content().retain()));
            }
        } else if (msg instanceof CloseWebSocketFrame close) {
            closed.complete(new TestClient.CloseStatus(close.statusCode(), close.reasonText()));
        } else if (msg instanceof TextWebSocketFrame || msg instanceof BinaryWebSocketFrame) {
            ByteBuf content = ((WebSocketFrame) msg).content();
            boolean binary = msg instanceof BinaryWebSocketFrame;
            Encoding e = binary ? Encoding.MSGPACK : Encoding.JSON;
            frames.add(e.mapper().readTree(ByteBufUtil.getBytes(content)));
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        handshakeDone.completeExceptionally(cause);
        ctx.close();
    }
}

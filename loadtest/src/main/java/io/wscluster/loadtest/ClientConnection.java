package io.wscluster.loadtest;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshaker;

/**
 * The last handler of one virtual user's connection: completes the handshake, answers pings, hands
 * every data frame to the {@link Receiver} and the connection's end to the {@link Connector}. Holds
 * nothing once the handshake is done but three references.
 */
final class ClientConnection extends SimpleChannelInboundHandler<Object> {
    private final Connector connector;
    private final Receiver receiver;
    private final VirtualUser user;
    private WebSocketClientHandshaker handshaker;

    ClientConnection(Connector connector, Receiver receiver, VirtualUser user, WebSocketClientHandshaker handshaker) {
        this.connector = connector;
        this.receiver = receiver;
        this.user = user;
        this.handshaker = handshaker;
    }

    /**
     * The user learns its channel here, on the event loop, before anything can arrive on it: set
     * from the connecting thread instead, a fast handshake could beat the assignment.
     */
    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        user.channel = ctx.channel();
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        handshaker.handshake(ctx.channel());
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, Object msg) {
        if (handshaker != null) {
            FullHttpResponse response = (FullHttpResponse) msg;
            try {
                handshaker.finishHandshake(ctx.channel(), response);
            } catch (RuntimeException e) {
                connector.failed(user, "upgrade refused: HTTP " + response.status().code());
                ctx.close();
            }
            handshaker = null;
            return;
        }
        if (msg instanceof TextWebSocketFrame || msg instanceof BinaryWebSocketFrame) {
            receiver.onFrame(user, ((io.netty.handler.codec.http.websocketx.WebSocketFrame) msg).content());
        } else if (msg instanceof PingWebSocketFrame ping) {
            ctx.writeAndFlush(new PongWebSocketFrame(ping.content().retain()), ctx.voidPromise());
        } else if (msg instanceof CloseWebSocketFrame close) {
            connector.closedByServer(user, close.statusCode(), close.reasonText());
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        connector.onClosed(user, ctx.channel());
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        connector.failed(user, cause instanceof java.io.IOException ? "io: " + cause.getMessage() : cause.toString());
        ctx.close();
    }
}

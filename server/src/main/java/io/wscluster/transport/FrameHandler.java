package io.wscluster.transport;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.compression.DecompressionException;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.wscluster.hub.ClientRequests;
import io.wscluster.hub.Session;
import io.wscluster.metrics.NodeMetrics;
import io.wscluster.codec.ClientFrame;
import io.wscluster.protocol.CloseCode;
import io.wscluster.codec.FrameParser;
import io.wscluster.protocol.ProtocolException;
import io.wscluster.resources.QuietLog;
import io.wscluster.security.PerSecondLimit;
import java.io.IOException;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

/**
 * The last handler of an upgraded connection: whole WebSocket messages in, parsed, to the {@link
 * ClientRequests}; control frames answered; the connection's end and the slow-consumer signal of
 * the {@link OutboundLimiter} turned into the session's close. A frame that does not parse gets an
 * {@code error} frame and the connection stays.
 */
final class FrameHandler extends ChannelInboundHandlerAdapter {
    static final String NAME = "ws-frames";
    /** Pings a second past which a client is flooding: hundreds of times what any keep-alive sends. */
    static final int MAX_PINGS_PER_SECOND = 50;
    private static final Logger log = LoggerFactory.getLogger(FrameHandler.class);
    /** A client that provokes the same failure again and again costs one line a minute per kind of failure. */
    private static final QuietLog quiet = new QuietLog(log, Level.WARN, Duration.ofMinutes(1));

    private final ClientRequests requests;
    private final NodeMetrics metrics;
    private final int maxMessageSize;
    private Session session;
    private WebSocketConnection connection;
    /** Pings in the current second, made on the first ping (a keep-alive pings every few seconds at most). */
    private PerSecondLimit pings;

    FrameHandler(ClientRequests requests, NodeMetrics metrics, int maxMessageSize) {
        this.requests = requests;
        this.metrics = metrics;
        this.maxMessageSize = maxMessageSize;
    }

    /** Binds the handler to its session, once the handler is in the pipeline and before any frame is read. */
    void attach(Session session, WebSocketConnection connection) {
        this.session = session;
        this.connection = connection;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        connection.lastSeenNanos = System.nanoTime();
        WebSocketFrame frame = (WebSocketFrame) msg;
        try {
            if (frame instanceof TextWebSocketFrame || frame instanceof BinaryWebSocketFrame) {
                if (!connection.isClosing()) {
                    onData(frame);
                }
            } else if (frame instanceof PingWebSocketFrame) {
                onPing(ctx, frame);
            } else if (frame instanceof CloseWebSocketFrame close) {
                connection.closeReceived(close.statusCode() < 0 ? CloseCode.NORMAL.code() : close.statusCode());
            } else if (frame instanceof ContinuationWebSocketFrame) {
                connection.close(CloseCode.PROTOCOL_ERROR, "unexpected continuation frame");
            }
            // Pong frames only prove liveness, recorded above.
        } finally {
            frame.release();
        }
    }

    /** Answers a ping with a pong, unless the client pings at a rate no keep-alive needs: then it is closed (1008). */
    private void onPing(ChannelHandlerContext ctx, WebSocketFrame ping) {
        if (connection.isClosing()) {
            return;
        }
        if (pings == null) {
            pings = new PerSecondLimit(MAX_PINGS_PER_SECOND);
        }
        if (pings.exceeded()) {
            session.closeForAbuse("ping-flood", "ping flood");
            return;
        }
        ctx.writeAndFlush(new PongWebSocketFrame(ping.content().retain()), ctx.voidPromise());
    }

    private void onData(WebSocketFrame frame) {
        // The decoder limits bytes on the wire; after permessage-deflate a message can be larger.
        if (frame.content().readableBytes() > maxMessageSize) {
            closeTooBig();
            return;
        }
        boolean binary = frame instanceof BinaryWebSocketFrame;
        if (binary != session.encoding().binary()) {
            connection.close(CloseCode.UNSUPPORTED_DATA, binary ? "binary frame on " + session.encoding().subprotocol()
                    : "text frame on " + session.encoding().subprotocol());
            return;
        }
        ClientFrame request;
        try {
            request = FrameParser.parse(session.encoding(), frame.content());
        } catch (ProtocolException e) {
            requests.reject(session, e, frame.content().readableBytes());
            return;
        }
        requests.onFrame(session, request, frame.content().readableBytes());
    }

    private void closeTooBig() {
        metrics.abuseClose("message-too-big");
        connection.close(CloseCode.MESSAGE_TOO_BIG, "message larger than the maximum");
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        if (event == OutboundLimiter.OVERFLOW) {
            metrics.slowConsumer();
            metrics.abuseClose("slow-consumer");
            connection.close(CloseCode.POLICY_VIOLATION, "slow consumer");
        } else {
            ctx.fireUserEventTriggered(event);
        }
    }

    /** The socket drained below its low water mark (the limiter has written its queue first): held-back messages go out. */
    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (ctx.channel().isWritable()) {
            requests.writable(session);
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        connection.closed();
        requests.closed(session);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof TooLongFrameException || cause instanceof DecompressionException) {
            closeTooBig();
        } else if (cause instanceof CorruptedWebSocketFrameException || cause instanceof CorruptedFrameException) {
            // The decoder has already answered with the right close code.
            ctx.close();
        } else if (cause instanceof IOException) {
            ctx.close();
        } else {
            quiet.log(cause.getClass().getName(), cause, "closing session {} after an unexpected error", session.id());
            connection.close(CloseCode.INTERNAL_ERROR, "internal error");
        }
    }
}

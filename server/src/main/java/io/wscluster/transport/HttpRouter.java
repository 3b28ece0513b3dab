package io.wscluster.transport;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpUtil;
import io.wscluster.protocol.ErrorCode;
import io.wscluster.protocol.RequestPaths;
import io.wscluster.resources.QuietLog;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

/**
 * Sends {@code GET /ws} to the WebSocket upgrade (on the public listener only) and every other
 * request to the HTTP endpoints. Routes on the path exactly as sent: a path is never decoded into
 * one it was not written as. Stateless and shared by all connections of one listener.
 */
@ChannelHandler.Sharable
final class HttpRouter extends SimpleChannelInboundHandler<FullHttpRequest> {
    static final String NAME = "router";
    private static final Logger log = LoggerFactory.getLogger(HttpRouter.class);
    /** A client that provokes the same failure again and again costs one line a minute per kind of failure. */
    private static final QuietLog quiet = new QuietLog(log, Level.ERROR, Duration.ofMinutes(1));

    private final WebSocketUpgrade upgrade;
    private final HttpEndpoints endpoints;
    private final boolean operator;

    private HttpRouter(WebSocketUpgrade upgrade, HttpEndpoints endpoints, boolean operator) {
        this.upgrade = upgrade;
        this.endpoints = endpoints;
        this.operator = operator;
    }

    /** The public listener's router: the WebSocket upgrade and the endpoints clients may use. */
    static HttpRouter publicListener(WebSocketUpgrade upgrade, HttpEndpoints endpoints) {
        return new HttpRouter(upgrade, endpoints, false);
    }

    /** The operator listener's router: its HTTP endpoints, and the operators' WebSocket for those the endpoints let watch. */
    static HttpRouter operatorListener(WebSocketUpgrade upgrade, HttpEndpoints endpoints) {
        return new HttpRouter(upgrade, endpoints, true);
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        if (!request.decoderResult().isSuccess()) {
            HttpResponses.write(ctx, HttpReply.error(ErrorCode.BAD_REQUEST, "malformed HTTP request"), false);
            return;
        }
        String path = RequestPaths.raw(request.uri());
        HttpCaller caller = HttpCaller.of(operator, ctx.channel().remoteAddress(), request.headers());
        if ("/ws".equals(path)) {
            HttpReply refusal = operator ? endpoints.watcherRefusal(request, caller) : null;
            if (refusal != null) {
                HttpResponses.write(ctx, refusal, false);
            } else if (operator) {
                upgrade.upgradeOperator(ctx, request);
            } else {
                upgrade.upgrade(ctx, request);
            }
            return;
        }
        boolean keepAlive = HttpUtil.isKeepAlive(request);
        request.retain();
        endpoints.handle(request, path, caller).whenComplete((reply, error) -> {
            request.release();
            HttpReply answer = reply;
            if (error != null) {
                quiet.log(error.getClass().getName(), error, "HTTP {} {} failed", request.method(), path);
                answer = HttpReply.error(ErrorCode.INTERNAL, "internal error");
            }
            HttpReply out = answer;
            if (ctx.executor().inEventLoop()) {
                HttpResponses.write(ctx, out, keepAlive);
            } else {
                ctx.executor().execute(() -> HttpResponses.write(ctx, out, keepAlive));
            }
        });
    }

    /** A client that lets answers pile up without reading them (pipelined requests) is cut off. */
    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        if (event == OutboundLimiter.OVERFLOW) {
            ctx.close();
        } else {
            ctx.fireUserEventTriggered(event);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }
}

package io.wscluster.transport;

import io.netty.handler.codec.http.FullHttpRequest;
import java.util.concurrent.CompletionStage;

/**
 * Answers plain HTTP requests (everything but the WebSocket upgrade). Called on the connection's
 * event loop: must not block; slow work completes the stage later. The request is released by the
 * caller once the stage completes.
 */
public interface HttpEndpoints {
    CompletionStage<HttpReply> handle(FullHttpRequest request);
}

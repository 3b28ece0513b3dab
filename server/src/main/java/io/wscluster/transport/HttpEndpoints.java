package io.wscluster.transport;

import io.netty.handler.codec.http.FullHttpRequest;
import java.util.concurrent.CompletionStage;

/**
 * Answers plain HTTP requests (everything but the WebSocket upgrade), on both listeners. Called on
 * the connection's event loop: must not block; slow work completes the stage later. The request is
 * released by the caller once the stage completes.
 */
public interface HttpEndpoints {
    /**
     * @param path   the request's path exactly as sent (not percent-decoded, dot segments kept), so
     *               that {@code /admin%2Fdrain} or {@code /x/../admin/drain} never match {@code /admin/drain}
     * @param caller which listener it came in on, and whether from loopback
     */
    CompletionStage<HttpReply> handle(FullHttpRequest request, String path, HttpCaller caller);

    /**
     * Whether {@code caller} may open an operator's WebSocket ({@code /ws} on the operator listener:
     * the dashboard's live view): null when it may, else the answer that refuses it.
     */
    default HttpReply watcherRefusal(FullHttpRequest request, HttpCaller caller) {
        return HttpReply.error(io.wscluster.protocol.ErrorCode.NOT_FOUND, "no endpoint /ws");
    }
}

package io.wscluster.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The HTTP stage of a connection, as {@link HttpChannelInitializer} builds it, without a socket. */
class HttpPipelineTest {
    private static final int LIMIT = 16 * 1024;
    private static final String REQUEST = "GET /page HTTP/1.1\r\nHost: x\r\n\r\n";
    /** While true, flushes stop here: answers stay in the channel's buffer, as with a client that does not read. */
    private boolean stalled;
    private final EmbeddedChannel channel = new EmbeddedChannel();

    HttpPipelineTest() {
        channel.config().setWriteBufferWaterMark(new WriteBufferWaterMark(1024, 2048));
        HttpRouter router = HttpRouter.operatorListener(null, (request, path, caller) -> CompletableFuture.completedFuture(HttpReply.text(200, "x".repeat(1000))));
        channel.pipeline().addLast(new HttpChannelInitializer(router, TransportOptions.builder().maxFrameSize(65536).outboundBufferLimit(LIMIT).build(), false, null, null, null));
        channel.pipeline().addFirst("socket", new ChannelOutboundHandlerAdapter() {
            @Override
            public void flush(ChannelHandlerContext ctx) {
                if (!stalled) {
                    ctx.flush();
                }
            }
        });
        channel.runPendingTasks();
    }

    @AfterEach
    void close() {
        channel.finishAndReleaseAll();
    }

    private void request() {
        channel.writeInbound(Unpooled.copiedBuffer(REQUEST, StandardCharsets.US_ASCII));
    }

    @Test
    void aRequestIsAnsweredThroughTheLimit() {
        request();
        ByteBuf head = channel.readOutbound();
        assertThat(head.toString(StandardCharsets.US_ASCII)).startsWith("HTTP/1.1 200 OK");
        head.release();
        assertThat(channel.pipeline().get(OutboundLimiter.class)).isNotNull();
    }

    @Test
    void pipelinedRequestsWhoseAnswersAreNeverReadAreCutOffAtTheLimit() {
        stalled = true;
        int sent = 0;
        while (channel.isOpen() && sent < 1000) {
            request();
            sent++;
        }
        assertThat(channel.isOpen()).as("closed after %d unread answers", sent).isFalse();
        assertThat(sent).as("answers held before the cut: about the limit's worth").isLessThan(40);
    }
}

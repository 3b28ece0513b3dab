package io.wscluster.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The outbound limit on a channel without a socket: unflushed writes stand for bytes the client has not read. */
class OutboundLimiterTest {
    private final List<Object> events = new ArrayList<>();
    private final OutboundLimiter sut = new OutboundLimiter(100, null);
    private final EmbeddedChannel channel = new EmbeddedChannel();

    OutboundLimiterTest() {
        channel.config().setWriteBufferWaterMark(new WriteBufferWaterMark(8, 16));
        channel.pipeline().addLast(OutboundLimiter.NAME, sut);
        channel.pipeline().addLast(new ChannelInboundHandlerAdapter() {
            @Override
            public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
                events.add(event);
            }
        });
    }

    @AfterEach
    void close() {
        channel.finishAndReleaseAll();
    }

    private static ByteBuf bytes(int n, int fill) {
        return Unpooled.buffer(n).writeZero(n).setByte(0, fill);
    }

    @Test
    void writesPassWhileTheChannelIsWritable() {
        channel.writeAndFlush(bytes(10, 1));
        assertThat(sut.queuedBytes()).isZero();
        ByteBuf out = channel.readOutbound();
        assertThat(out.getByte(0)).isEqualTo((byte) 1);
        out.release();
    }

    @Test
    void pastTheHighWaterMarkWritesWaitHereInOrderAndGoOutWhenTheSocketDrains() {
        channel.write(bytes(20, 1)); // unflushed: Netty's buffer is past its high water mark
        assertThat(channel.isWritable()).isFalse();
        channel.write(bytes(30, 2));
        channel.write(bytes(40, 3));
        assertThat(sut.queuedBytes()).isEqualTo(70);

        channel.flush(); // the client reads: the socket drains, writability returns, the queue follows
        channel.runPendingTasks();
        channel.flushOutbound();
        assertThat(sut.queuedBytes()).isZero();
        List<Byte> order = new ArrayList<>();
        for (ByteBuf b; (b = channel.readOutbound()) != null; b.release()) {
            order.add(b.getByte(0));
        }
        assertThat(order).containsExactly((byte) 1, (byte) 2, (byte) 3);
        assertThat(events).isEmpty();
    }

    @Test
    void aQueuePastTheLimitIsDroppedAndReportedThenWritesPassStraightThrough() {
        channel.write(bytes(20, 1));
        List<ByteBuf> queued = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            ByteBuf b = bytes(20, 2);
            queued.add(b);
            channel.write(b);
        }
        assertThat(events).containsExactly(OutboundLimiter.OVERFLOW);
        assertThat(queued).allMatch(b -> b.refCnt() == 0);
        assertThat(sut.queuedBytes()).isZero();

        channel.write(bytes(5, 9)); // the close frame that follows the report
        channel.flush();
        List<Byte> out = new ArrayList<>();
        for (ByteBuf b; (b = channel.readOutbound()) != null; b.release()) {
            out.add(b.getByte(0));
        }
        assertThat(out).containsExactly((byte) 1, (byte) 9);
    }

    @Test
    void aClosedChannelReleasesWhatWaited() {
        channel.write(bytes(20, 1));
        ByteBuf waiting = bytes(30, 2);
        channel.write(waiting);
        assertThat(sut.queuedBytes()).isEqualTo(30);
        channel.close();
        assertThat(waiting.refCnt()).isZero();
        assertThat(sut.queuedBytes()).isZero();
    }
}

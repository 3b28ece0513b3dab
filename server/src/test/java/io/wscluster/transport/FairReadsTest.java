package io.wscluster.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** The turns of {@link FairReads} on an embedded channel: what passes at once, what waits, in which order, and when reading resumes. */
class FairReadsTest {
    private final List<Integer> handled = new ArrayList<>();
    private final AtomicBoolean mayRead = new AtomicBoolean(true);
    private final EmbeddedChannel channel = new EmbeddedChannel(new FairReads(mayRead::get), new ChannelInboundHandlerAdapter() {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf b = (ByteBuf) msg;
            handled.add(b.readInt());
            b.release();
        }
    });

    @Test
    void aReadOfAFewMessagesPassesAtOnce() {
        read(messages(0, FairReads.BUDGET));
        assertThat(handled).hasSize(FairReads.BUDGET);
        assertThat(channel.config().isAutoRead()).isTrue();
    }

    @Test
    void ofABigReadABudgetIsHandledAtOnceAndTheRestInLaterTasksInOrderWhileReadingPauses() {
        int n = FairReads.BUDGET * 3 + 5;
        read(messages(0, n));
        assertThat(handled).as("the first turn").hasSize(FairReads.BUDGET);
        assertThat(channel.config().isAutoRead()).as("reading paused while messages wait").isFalse();

        channel.runPendingTasks(); // the later turns, each a task of the loop
        assertThat(handled).hasSize(n);
        for (int i = 0; i < n; i++) {
            assertThat(handled.get(i)).isEqualTo(i);
        }
        assertThat(channel.config().isAutoRead()).as("reading resumes once all are handled").isTrue();
    }

    @Test
    void aReadThatComesWhileMessagesWaitQueuesBehindThem() {
        read(messages(0, FairReads.BUDGET + 1));
        read(messages(FairReads.BUDGET + 1, 1));
        assertThat(handled).as("nothing overtakes what waits").hasSize(FairReads.BUDGET);
        channel.runPendingTasks();
        assertThat(handled).containsExactlyElementsOf(range(FairReads.BUDGET + 2));
    }

    @Test
    void aConnectionThatStoppedReadingMeanwhileDoesNotReadAgain() {
        read(messages(0, FairReads.BUDGET + 1));
        mayRead.set(false);
        channel.runPendingTasks();
        assertThat(handled).hasSize(FairReads.BUDGET + 1);
        assertThat(channel.config().isAutoRead()).isFalse();
    }

    @Test
    void whatWaitsIsReleasedWhenTheConnectionCloses() {
        ByteBuf[] batch = messages(0, FairReads.BUDGET + 10);
        read(batch);
        channel.pipeline().fireChannelInactive();
        channel.runPendingTasks();
        assertThat(handled).hasSize(FairReads.BUDGET);
        for (int i = FairReads.BUDGET; i < batch.length; i++) {
            assertThat(batch[i].refCnt()).as("message " + i).isZero();
        }
    }

    /** One read of the socket: its messages, then the read's end; the loop's tasks are left to the test to run. */
    private void read(ByteBuf... messages) {
        for (ByteBuf m : messages) {
            channel.pipeline().fireChannelRead(m);
        }
        channel.pipeline().fireChannelReadComplete();
    }

    private static ByteBuf[] messages(int first, int n) {
        ByteBuf[] out = new ByteBuf[n];
        for (int i = 0; i < n; i++) {
            out[i] = Unpooled.buffer(4).writeInt(first + i);
        }
        return out;
    }

    private static List<Integer> range(int n) {
        List<Integer> r = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            r.add(i);
        }
        return r;
    }
}

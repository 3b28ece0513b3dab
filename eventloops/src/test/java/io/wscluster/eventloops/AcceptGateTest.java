package io.wscluster.eventloops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A real listener on loopback behind the gate, and plain sockets as clients: who gets in, who is held, who is reset at once. */
class AcceptGateTest {
    private final EventLoopGroup group = EventLoops.group(1, "accept-gate-test");
    private final List<Socket> sockets = new ArrayList<>();
    private Channel listener;

    @AfterEach
    void stop() throws Exception {
        for (Socket s : sockets) {
            s.close();
        }
        group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).sync();
    }

    @Test
    void anAdmittedConnectionReachesItsPipeline() throws Exception {
        listen(new AcceptGate(ch -> true));
        Socket s = connect();
        s.getOutputStream().write("hello".getBytes(StandardCharsets.US_ASCII));
        assertThat(new String(s.getInputStream().readNBytes(5), StandardCharsets.US_ASCII)).isEqualTo("hello");
    }

    @Test
    void aRefusedConnectionIsHeldUnreadThenReset() throws Exception {
        listen(new AcceptGate(ch -> false, Duration.ofSeconds(3), 10));
        Socket s = connect();
        s.getOutputStream().write("GET / HTTP/1.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        s.setSoTimeout(300);
        assertThatThrownBy(() -> s.getInputStream().read()).as("held: no answer, no close yet").isInstanceOf(SocketTimeoutException.class);
        s.setSoTimeout(10_000);
        assertThat(endOf(s)).as("reset once the hold is over").isTrue();
    }

    @Test
    void beyondWhatItMayHoldARefusedConnectionIsResetAtOnce() throws Exception {
        listen(new AcceptGate(ch -> false, Duration.ofMinutes(1), 1));
        Socket first = connect();
        first.setSoTimeout(300);
        Socket second;
        try {
            second = connect();
        } catch (java.net.SocketException reset) {
            second = null; // reset before connect() returned (a busy machine): ended all the same
        }
        if (second != null) {
            second.setSoTimeout(10_000);
            assertThat(endOf(second)).as("the second, over the one held").isTrue();
        }
        assertThatThrownBy(() -> first.getInputStream().read()).as("the first still held").isInstanceOf(SocketTimeoutException.class);
    }

    @Test
    void closingTheListenerResetsWhatItHolds() throws Exception {
        listen(new AcceptGate(ch -> false, Duration.ofMinutes(1), 10));
        Socket s = connect();
        s.setSoTimeout(300);
        assertThatThrownBy(() -> s.getInputStream().read()).isInstanceOf(SocketTimeoutException.class);
        listener.close().sync();
        s.setSoTimeout(10_000);
        assertThat(endOf(s)).isTrue();
    }

    @Test
    void theGateDecidesPerConnection() throws Exception {
        int[] seen = {0};
        Predicate<Channel> everySecond = ch -> seen[0]++ % 2 == 1;
        listen(new AcceptGate(everySecond, Duration.ofMinutes(1), 10));
        Socket refused = connect();
        refused.setSoTimeout(300);
        Socket admitted = connect();
        admitted.getOutputStream().write("x".getBytes(StandardCharsets.US_ASCII));
        assertThat(admitted.getInputStream().read()).isEqualTo('x');
        assertThatThrownBy(() -> refused.getInputStream().read()).isInstanceOf(SocketTimeoutException.class);
    }

    /** A listener that echoes what an admitted connection sends. */
    private void listen(AcceptGate gate) throws InterruptedException {
        listener = new ServerBootstrap().group(group).channel(EventLoops.serverChannel()).handler(gate)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(new SimpleChannelInboundHandler<ByteBuf>() {
                            @Override
                            protected void channelRead0(ChannelHandlerContext ctx, ByteBuf msg) {
                                ctx.writeAndFlush(msg.retain());
                            }
                        });
                    }
                }).bind("127.0.0.1", 0).sync().channel();
    }

    private Socket connect() throws IOException {
        Socket s = new Socket();
        sockets.add(s);
        s.connect(new InetSocketAddress("127.0.0.1", ((InetSocketAddress) listener.localAddress()).getPort()), 5000);
        return s;
    }

    /** True when the node ended the connection: end of stream, or a reset. */
    private static boolean endOf(Socket s) {
        try (InputStream in = s.getInputStream()) {
            return in.read() < 0;
        } catch (SocketTimeoutException stillOpen) {
            return false;
        } catch (IOException reset) {
            return true;
        }
    }
}

package io.wscluster.transport;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.wscluster.bus.LocalBus;
import io.wscluster.history.LocalHistory;
import io.wscluster.hub.BusBridge;
import io.wscluster.hub.ClientRequests;
import io.wscluster.hub.Hub;
import io.wscluster.hub.HubConfig;
import io.wscluster.hub.HubShard;
import io.wscluster.hub.Session;
import io.wscluster.hub.SessionRecord;
import io.wscluster.metrics.NodeMetrics;
import io.wscluster.presence.LocalPresenceStore;
import io.wscluster.codec.Encoding;
import io.wscluster.codec.Message;
import io.wscluster.codec.Payload;
import io.wscluster.protocol.Priority;
import io.wscluster.resources.NodeResources;
import io.wscluster.security.Principal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * An upgraded connection's handlers (limit, frames, connection) on a channel without a socket, over
 * a real hub on the embedded bus: what a client's frames get back, frame by frame. Frames are read
 * as objects (no WebSocket encoder in the pipeline), except shared messages that go out pre-framed.
 */
class FrameHandlerTest {
    private static final int LIMIT = 4096;
    private final NodeResources resources = NodeResources.create("test");
    private final LocalBus bus = new LocalBus(new LocalHistory(100, Duration.ofMinutes(5)), resources.scheduler());
    private final NodeMetrics metrics = new NodeMetrics(new SimpleMeterRegistry());
    private final HubConfig config = HubConfig.builder().nodeId("n1").bus(bus).presence(new LocalPresenceStore()).metrics(metrics).build();
    private final Hub hub = new Hub(config);
    private final BusBridge bridge = new BusBridge(config, hub);
    private final ClientRequests requests = new ClientRequests(config, hub, bridge);
    private final EmbeddedChannel channel = new EmbeddedChannel();
    /** While true, flushes stop here: what is written stays in the channel's buffer, as with a client that does not read. */
    private boolean stalled;

    @AfterEach
    void close() {
        channel.finishAndReleaseAll();
        bus.close();
        resources.close();
    }

    /** Opens a session of {@code encoding} on the channel and reads its welcome. */
    private Session open(Encoding encoding, boolean compressed) {
        channel.config().setWriteBufferWaterMark(new WriteBufferWaterMark(1024, 2048));
        FrameHandler frames = new FrameHandler(requests, metrics, 65536);
        channel.pipeline().addLast("socket", new io.netty.channel.ChannelOutboundHandlerAdapter() {
            @Override
            public void flush(io.netty.channel.ChannelHandlerContext ctx) {
                if (!stalled) {
                    ctx.flush();
                }
            }
        });
        channel.pipeline().addLast(OutboundLimiter.NAME, new OutboundLimiter(LIMIT, null));
        channel.pipeline().addLast(FrameHandler.NAME, frames);
        WebSocketConnection connection = new WebSocketConnection(channel.pipeline().context(frames), encoding, compressed, "embedded");
        Session session = new Session("s1", Principal.ANONYMOUS, encoding, connection, SessionRecord.NEW);
        frames.attach(session, connection);
        HubShard shard = hub.newShard(channel.eventLoop(), () -> true);
        requests.open(session, shard);
        assertThat(next().path("op").asText()).isEqualTo("welcome");
        return session;
    }

    private JsonNode send(String json) {
        channel.writeInbound(new TextWebSocketFrame(json.replace('\'', '"')));
        return next();
    }

    /** The next frame the client got, as JSON. */
    private JsonNode next() {
        channel.runPendingTasks();
        Object out = channel.readOutbound();
        assertThat(out).as("a frame for the client").isInstanceOf(TextWebSocketFrame.class);
        TextWebSocketFrame frame = (TextWebSocketFrame) out;
        try {
            return Encoding.JSON.mapper().readTree(frame.text());
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        } finally {
            frame.release();
        }
    }

    private <T> T outbound(Class<T> type) {
        channel.runPendingTasks();
        Object out = channel.readOutbound();
        assertThat(out).isInstanceOf(type);
        return type.cast(out);
    }

    @Test
    void aRequestIsAnsweredOnTheSameConnection() {
        open(Encoding.JSON, false);
        JsonNode reply = send("{'op':'subscribe','id':1,'room':'r'}");
        assertThat(reply.path("op").asText()).isEqualTo("subscribed");
        assertThat(reply.path("id").asLong()).isEqualTo(1);
    }

    @Test
    void aMalformedFrameGetsAnErrorAndTheConnectionStays() {
        open(Encoding.JSON, false);
        JsonNode error = send("{'op':");
        assertThat(error.path("op").asText()).isEqualTo("error");
        assertThat(error.path("code").asText()).isEqualTo("bad_request");
        assertThat(channel.isOpen()).isTrue();
        assertThat(send("{'op':'ping','id':2}").path("op").asText()).isEqualTo("pong");
    }

    @Test
    void aBinaryFrameOnAJsonConnectionClosesIt1003() {
        open(Encoding.JSON, false);
        channel.writeInbound(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(new byte[] {1})));
        CloseWebSocketFrame close = outbound(CloseWebSocketFrame.class);
        assertThat(close.statusCode()).isEqualTo(1003);
        close.release();
    }

    @Test
    void aPingIsAnsweredWithItsPayload() {
        open(Encoding.JSON, false);
        channel.writeInbound(new PingWebSocketFrame(Unpooled.copiedBuffer("hi", StandardCharsets.US_ASCII)));
        PongWebSocketFrame pong = outbound(PongWebSocketFrame.class);
        assertThat(pong.content().toString(StandardCharsets.US_ASCII)).isEqualTo("hi");
        pong.release();
    }

    @Test
    void theClientsCloseIsEchoedAndTheChannelClosedAndTheSessionForgotten() {
        open(Encoding.JSON, false);
        channel.writeInbound(new CloseWebSocketFrame(4000, "bye"));
        CloseWebSocketFrame echo = outbound(CloseWebSocketFrame.class);
        assertThat(echo.statusCode()).isEqualTo(4000);
        echo.release();
        channel.runPendingTasks();
        assertThat(channel.isOpen()).isFalse();
        assertThat(metrics.connections()).isZero();
    }

    @Test
    void aClientThatDoesNotReadItsPongsIsClosedAsASlowConsumer() {
        open(Encoding.JSON, false);
        // A small socket queue, so that the limit is passed before the pings count as a flood (50 a second).
        channel.config().setWriteBufferWaterMark(new WriteBufferWaterMark(256, 512));
        List<Object> written = new ArrayList<>();
        stalled = true; // pings keep coming, pongs are never read
        for (int i = 0; i < 45; i++) {
            channel.writeInbound(new PingWebSocketFrame(Unpooled.wrappedBuffer(new byte[125])));
        }
        stalled = false;
        channel.flush();
        channel.runPendingTasks();
        for (Object o; (o = channel.readOutbound()) != null; ) {
            written.add(o);
        }
        assertThat(metrics.registry().find(NodeMetrics.SLOW_CONSUMERS).functionCounter().count()).isEqualTo(1);
        assertThat(written).last().isInstanceOfSatisfying(CloseWebSocketFrame.class, c -> {
            assertThat(c.statusCode()).isEqualTo(1008);
            assertThat(c.reasonText()).isEqualTo("slow consumer");
        });
        assertThat(written.stream().filter(o -> o instanceof PongWebSocketFrame).count())
                .as("pongs held at most up to the limit").isLessThan(45);
        written.forEach(io.netty.util.ReferenceCountUtil::release);
    }

    @Test
    void aSharedMessageGoesOutPreFramedUnlessTheDeflaterMustSeeIt() {
        Session plain = open(Encoding.JSON, false);
        send("{'op':'subscribe','id':1,'room':'r'}");
        bridge.publish(Message.toRoom("r", Payload.of(Encoding.JSON.mapper().valueToTree("x".repeat(600))), null, Priority.NORMAL))
                .toCompletableFuture().join();
        ByteBuf framed = outbound(ByteBuf.class);
        assertThat(framed.getByte(framed.readerIndex())).as("FIN + text opcode").isEqualTo((byte) 0x81);
        framed.release();
        assertThat(plain.rooms()).containsExactly("r");
    }

    @Test
    void aLargeSharedMessageOnACompressedConnectionGoesAsAFrameForTheDeflater() {
        open(Encoding.JSON, true);
        send("{'op':'subscribe','id':1,'room':'r'}");
        bridge.publish(Message.toRoom("r", Payload.of(Encoding.JSON.mapper().valueToTree("x".repeat(600))), null, Priority.NORMAL))
                .toCompletableFuture().join();
        WebSocketFrame frame = outbound(TextWebSocketFrame.class);
        assertThat(frame.content().readableBytes()).isGreaterThan(Compression.MIN_SIZE);
        frame.release();
    }
}

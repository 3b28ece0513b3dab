package io.wscluster.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshakerFactory;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketVersion;
import io.netty.handler.codec.http.websocketx.extensions.compression.WebSocketClientCompressionHandler;
import io.wscluster.eventloops.EventLoops;
import io.wscluster.codec.Encoding;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

/**
 * A real WebSocket client for tests, on Netty. It speaks either subprotocol, can offer
 * permessage-deflate, can stop reading (to play a slow consumer) or stop answering pings, and can
 * send frames a well-behaved client never would. Every received frame is decoded to a {@link
 * JsonNode} and queued; {@link #request} matches replies by {@code id}.
 *
 * <pre>{@code
 * try (TestClient c = TestClient.connect(TestClient.options(node.url()))) {
 *     JsonNode welcome = c.next();
 *     c.request(c.frame("subscribe").put("room", "r1"));
 * }
 * }</pre>
 */
public final class TestClient implements AutoCloseable {
    /** Default wait for anything a test expects. */
    public static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final EventLoopGroup GROUP = EventLoops.group(2, "testkit-client");

    private final Options options;
    private final Channel channel;
    private final TestClientHandler handler;
    private final AtomicLong ids = new AtomicLong();
    private final List<JsonNode> unmatched = new ArrayList<>();

    /**
     * How to connect. Immutable; change with the {@code with*} methods.
     *
     * @param localAddress the address the client's socket is bound to; null: the system's choice
     */
    public record Options(String url, Encoding encoding, boolean offerSubprotocol, boolean compression,
                          String bearerToken, int maxFrameSize, Map<String, String> headers, String localAddress) {
        public Options withEncoding(Encoding e) {
            return new Options(url, e, true, compression, bearerToken, maxFrameSize, headers, localAddress);
        }
        /** Connect without asking for any subprotocol (the server then speaks JSON). */
        public Options withoutSubprotocol() {
            return new Options(url, Encoding.JSON, false, compression, bearerToken, maxFrameSize, headers, localAddress);
        }
        public Options withCompression() {
            return new Options(url, encoding, offerSubprotocol, true, bearerToken, maxFrameSize, headers, localAddress);
        }
        public Options withBearer(String token) {
            return new Options(url, encoding, offerSubprotocol, compression, token, maxFrameSize, headers, localAddress);
        }
        public Options withUrl(String u) {
            return new Options(u, encoding, offerSubprotocol, compression, bearerToken, maxFrameSize, headers, localAddress);
        }
        /** Extra headers of the upgrade request ({@code Cookie}, {@code Origin}). */
        public Options withHeaders(Map<String, String> h) {
            return new Options(url, encoding, offerSubprotocol, compression, bearerToken, maxFrameSize, Map.copyOf(h), localAddress);
        }
        /**
         * Connect from {@code address}: on Linux every 127.x.y.z reaches loopback, so a test can be
         * several remote clients of a node on 127.0.0.1 by binding 127.0.0.2, 127.0.0.3, ...
         */
        public Options withLocalAddress(String address) {
            return new Options(url, encoding, offerSubprotocol, compression, bearerToken, maxFrameSize, headers, address);
        }
    }

    public static Options options(String url) {
        return new Options(url, Encoding.JSON, true, false, null, 1024 * 1024, Map.of(), null);
    }

    /** Thrown by {@link #connect} when the server refuses the upgrade with an HTTP status. */
    public static final class Refused extends IOException {
        private final int status;
        private final String body;
        private final String retryAfter;

        Refused(int status, String body, String retryAfter) {
            super("upgrade refused with HTTP " + status + ": " + body);
            this.status = status;
            this.body = body;
            this.retryAfter = retryAfter;
        }

        public int status() { return status; }
        public String body() { return body; }
        /** The answer's {@code Retry-After} header; null without one. */
        public String retryAfter() { return retryAfter; }
    }

    private TestClient(Options options, Channel channel, TestClientHandler handler) {
        this.options = options;
        this.channel = channel;
        this.handler = handler;
    }

    public static TestClient connect(String url) throws IOException {
        return connect(options(url));
    }

    /** Connects and completes the handshake; throws {@link Refused} when the server answers with an HTTP error. */
    public static TestClient connect(Options options) throws IOException {
        URI uri = URI.create(options.url());
        HttpHeaders headers = new DefaultHttpHeaders();
        options.headers().forEach(headers::set);
        if (options.bearerToken() != null) {
            headers.set("Authorization", "Bearer " + options.bearerToken());
        }
        WebSocketClientHandshaker handshaker = WebSocketClientHandshakerFactory.newHandshaker(uri, WebSocketVersion.V13,
                options.offerSubprotocol() ? options.encoding().subprotocol() : null, true, headers, options.maxFrameSize());
        TestClientHandler handler = new TestClientHandler(handshaker, options.encoding());
        Bootstrap b = new Bootstrap().group(GROUP).channel(EventLoops.clientChannel())
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 5000)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new HttpClientCodec(), new HttpObjectAggregator(1 << 20));
                        if (options.compression()) {
                            ch.pipeline().addLast(WebSocketClientCompressionHandler.INSTANCE);
                        }
                        ch.pipeline().addLast(handler);
                    }
                });
        int port = uri.getPort() > 0 ? uri.getPort() : 80;
        Channel ch;
        try {
            InetSocketAddress remote = new InetSocketAddress(uri.getHost(), port);
            ch = (options.localAddress() == null ? b.connect(remote)
                    : b.connect(remote, new InetSocketAddress(options.localAddress(), 0))).sync().channel();
            handler.handshakeDone.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            throw new IOException("handshake failed", e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        } catch (TimeoutException e) {
            throw new IOException("handshake timed out", e);
        } catch (Exception e) {
            throw new IOException("connect to " + uri + " failed: " + e, e);
        }
        return new TestClient(options, ch, handler);
    }

    /** What {@link #connectUntilRefused} saw: how many connections got in, and the refusal that ended it (null: none). */
    public record Attempts(int admitted, Refused refused) {
    }

    /**
     * Connects with {@code options} again and again, closing each connection that gets in, until
     * one is refused with an HTTP status or {@code atMost} got in: for limits on new connections.
     */
    public static Attempts connectUntilRefused(Options options, int atMost) throws IOException {
        for (int admitted = 0; admitted < atMost; admitted++) {
            try {
                connect(options).close();
            } catch (Refused refused) {
                return new Attempts(admitted, refused);
            }
        }
        return new Attempts(atMost, null);
    }

    // ---- sending ----

    /** A new frame object with {@code op} set. */
    public ObjectNode frame(String op) {
        return options.encoding().mapper().createObjectNode().put("op", op);
    }

    /** Sends a frame in this connection's encoding; a socket the server reset throws {@link UncheckedIOException}. */
    public void send(JsonNode frame) {
        WebSocketFrame f = encode(frame);
        try {
            channel.writeAndFlush(f).syncUninterruptibly();
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) { // Netty rethrows the socket's IOException without declaring it
            throw e instanceof IOException io ? new UncheckedIOException(io) : new IllegalStateException(e);
        }
    }

    /** Sends every frame with one flush and no wait between them, as a client flooding the server would. */
    public void sendAll(Iterable<? extends JsonNode> frames) {
        for (JsonNode frame : frames) {
            channel.write(encode(frame));
        }
        channel.flush();
    }

    private WebSocketFrame encode(JsonNode frame) {
        try {
            byte[] bytes = options.encoding().mapper().writeValueAsBytes(frame);
            return options.encoding().binary()
                    ? new BinaryWebSocketFrame(Unpooled.wrappedBuffer(bytes))
                    : new TextWebSocketFrame(Unpooled.wrappedBuffer(bytes));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Sends {@code n} WebSocket pings with one flush, as a flooding client would. */
    public void pings(int n) {
        for (int i = 0; i < n; i++) {
            channel.write(new PingWebSocketFrame());
        }
        channel.flush();
    }

    /** Sends raw text as a text frame, whatever it contains. */
    public void sendText(String text) {
        channel.writeAndFlush(new TextWebSocketFrame(text)).syncUninterruptibly();
    }

    /** Sends raw bytes in a text frame (for invalid UTF-8). */
    public void sendTextBytes(byte[] bytes) {
        channel.writeAndFlush(new TextWebSocketFrame(Unpooled.wrappedBuffer(bytes))).syncUninterruptibly();
    }

    public void sendBinary(byte[] bytes) {
        channel.writeAndFlush(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(bytes))).syncUninterruptibly();
    }

    /** Sends {@code frame} with a fresh {@code id} and waits for the reply carrying that id. */
    public JsonNode request(ObjectNode frame) {
        long id = ids.incrementAndGet();
        frame.put("id", id);
        send(frame);
        return nextMatching(f -> f.path("id").asLong() == id, TIMEOUT);
    }

    // ---- receiving ----

    /** The next frame (including ones skipped by earlier matching calls), waiting up to {@link #TIMEOUT}. */
    public JsonNode next() {
        return next(TIMEOUT);
    }

    public JsonNode next(Duration timeout) {
        if (!unmatched.isEmpty()) {
            return unmatched.remove(0);
        }
        JsonNode f = poll(timeout);
        if (f == null) {
            throw new AssertionError("no frame within " + timeout);
        }
        return f;
    }

    /** The next frame with this {@code op}, keeping others for later calls. */
    public JsonNode next(String op) {
        return nextMatching(f -> op.equals(f.path("op").asText()), TIMEOUT);
    }

    /** The next frame matching {@code test}, keeping others for later calls. */
    public JsonNode nextMatching(Predicate<JsonNode> test, Duration timeout) {
        for (Iterator<JsonNode> it = unmatched.iterator(); it.hasNext(); ) {
            JsonNode f = it.next();
            if (test.test(f)) {
                it.remove();
                return f;
            }
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            long left = deadline - System.nanoTime();
            JsonNode f = left > 0 ? poll(Duration.ofNanos(left)) : null;
            if (f == null) {
                throw new AssertionError("no matching frame within " + timeout + "; other frames: " + unmatched);
            }
            if (test.test(f)) {
                return f;
            }
            unmatched.add(f);
        }
    }

    /** Up to {@code n} {@code message} frames, in arrival order. */
    public List<JsonNode> messages(int n) {
        List<JsonNode> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(next("message"));
        }
        return out;
    }

    /** Waits briefly and returns a frame only if one arrives; null when none did. */
    public JsonNode poll(Duration timeout) {
        try {
            Object o = handler.frames.pollFirst(timeout.toNanos(), TimeUnit.NANOSECONDS);
            return o == null ? null : (JsonNode) o;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** Completes with the server's close frame (status and reason), or with status 1006 when the TCP connection ended without one. */
    public CompletableFuture<CloseStatus> closed() {
        return handler.closed;
    }

    /** Waits for the connection to close and returns how. */
    public CloseStatus awaitClose(Duration timeout) {
        try {
            return handler.closed.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            throw new AssertionError("connection not closed within " + timeout, e);
        }
    }

    public record CloseStatus(int code, String reason) {
    }

    /** Stops reading from the socket (a slow consumer), or resumes. */
    public void reading(boolean on) {
        channel.config().setAutoRead(on);
    }

    /** Stops answering WebSocket pings (a dead peer), or resumes. */
    public void answerPings(boolean on) {
        handler.answerPings = on;
    }

    /** The subprotocol the server selected, or null. */
    public String subprotocol() {
        return handler.handshaker.actualSubprotocol();
    }

    /** How many frames arrived compressed (RSV1 set), before inflation. */
    public long compressedFrames() {
        return handler.compressedFrames.get();
    }

    /** The response headers of the upgrade. */
    public HttpHeaders upgradeHeaders() {
        return handler.upgradeHeaders;
    }

    public boolean isOpen() {
        return channel.isActive();
    }

    @Override
    public void close() {
        if (channel.isActive()) {
            channel.writeAndFlush(new CloseWebSocketFrame(1000, "bye"));
            channel.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
        }
    }

    /** Drops the connection without a close frame: a TCP reset (SO_LINGER 0), as a crashed client's host sends. */
    public void abort() {
        channel.config().setOption(ChannelOption.SO_LINGER, 0);
        channel.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
    }
}
